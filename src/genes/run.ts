import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { geneCounts, type CountMatrix } from '../io/genes/read.js';
import { fitGene, type GeneJob, type GeneResult } from './fit_gene.js';
import type { FromGenesWorker, GenesWorkerInit, ToGenesWorker } from './protocol.js';

export interface GenesRunOptions {
  /** Worker threads; 0 fits in this thread. */
  readonly workers: number;
  /** Genes per message to a worker: small enough to balance the load, large enough that messages cost nothing. */
  readonly batch?: number;
  /** Called with each gene's result as it arrives (in no particular order): the resume file. */
  readonly onResult?: (index: number, r: GeneResult) => void;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Fits `job` to the genes at `indices` of the matrix, in worker threads, and returns the results in the
 * order of `indices`. Each gene's fit depends only on its counts and the job (the same seed for every
 * gene), so the results do not depend on the number of workers or the batch size.
 */
export async function fitGenes(job: GeneJob, init: GenesWorkerInit, matrix: CountMatrix, indices: readonly number[], options: GenesRunOptions): Promise<GeneResult[]> {
  const out: GeneResult[] = new Array(indices.length);
  let done = 0;
  const finish = (k: number, r: GeneResult): void => {
    out[k] = r;
    done++;
    options.onResult?.(indices[k], r);
    options.onProgress?.(done, indices.length);
  };
  if (options.workers <= 0 || indices.length === 0) {
    for (let k = 0; k < indices.length; k++) {
      const c = geneCounts(matrix, indices[k]);
      finish(k, await fitGene(job, c.gene, c.cellIndex, c.values));
    }
    return out;
  }
  const size = options.batch ?? Math.max(1, Math.min(32, Math.ceil(indices.length / (8 * options.workers))));
  const batches: number[][] = [];
  for (let a = 0; a < indices.length; a += size) batches.push(Array.from({ length: Math.min(size, indices.length - a) }, (_, j) => a + j));
  const workers = Array.from({ length: Math.min(options.workers, batches.length) }, () => spawn(init));
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      const give = (w: Worker): void => {
        if (next >= batches.length) {
          if (running === 0) resolve();
          return;
        }
        const id = next++;
        running++;
        const genes = batches[id].map((k) => {
          const c = geneCounts(matrix, indices[k]);
          return { gene: c.gene, cellIndex: c.cellIndex.slice(), values: c.values.slice() };
        });
        w.postMessage({ type: 'batch', id, genes } satisfies ToGenesWorker);
      };
      for (const w of workers) {
        w.on('message', (m: FromGenesWorker) => {
          if (m.type === 'failed') return reject(new Error(`in a fit-genes worker: ${m.message}${m.stack ? `\n${m.stack}` : ''}`));
          if (m.type === 'results') {
            running--;
            m.results.forEach((r, j) => finish(batches[m.id][j], r));
          }
          give(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0) reject(new Error(`a fit-genes worker exited with code ${code}`));
        });
      }
    });
  } finally {
    for (const w of workers) {
      w.removeAllListeners('exit');
      w.postMessage({ type: 'exit' } satisfies ToGenesWorker);
      void w.terminate();
    }
  }
  return out;
}

/** The worker's entry: bundled beside the CLI, tsc's output beside this file, or the TypeScript source through tsx. */
function spawn(init: GenesWorkerInit): Worker {
  const bundled = new URL('./genes_worker.mjs', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? new URL('./worker_from_source.mjs', import.meta.url)
    : existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker.js', import.meta.url);
  return new Worker(url, { workerData: init });
}
