import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceError } from '../../core/errors.js';
import type { ChainOutput } from '../../engines/nuts/chain.js';
import type { ChainJob, ChainRunner } from '../../engines/nuts/chain_job.js';
import type { FromWorker, ModelRecipe, ToWorker, WorkerFailure, WorkerInit } from './protocol.js';

/** One thread per chain, up to the cores there are. */
export function defaultThreads(chains: number): number {
  return Math.max(1, Math.min(chains, availableParallelism()));
}

/**
 * The worker's entry: in the CLI bundle (dist/bundle) its own bundled file; in tsc's output the module
 * beside this one; from the TypeScript source (tests, scratch scripts) a bootstrap that loads tsx first.
 */
function spawn(init: WorkerInit): Worker {
  const bundled = new URL('./chain_worker.mjs', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? new URL('./worker_from_source.mjs', import.meta.url)
    : existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker.js', import.meta.url);
  return new Worker(url, { workerData: init });
}

function rebuild(e: WorkerFailure): Error {
  if (e.name === 'InferenceError' && e.code) return new InferenceError(e.code, e.message, e.hint);
  const err = new Error(`in a chain worker: ${e.message}`);
  err.stack = e.stack;
  return err;
}

/**
 * Chains on `threads` worker threads, each of which rebuilds the model from its recipe and takes the
 * next chain when it finishes one. Which thread runs which chain varies; the draws do not, since each
 * chain has its own random stream. `stop` (shared memory) tells every chain to end early.
 */
export function workerChainRunner(recipe: ModelRecipe, threads: number, stop: Int32Array): ChainRunner {
  return (jobs: readonly ChainJob[], onProgress?: (chain: number, iteration: number) => void): Promise<ChainOutput[]> =>
    new Promise((resolve, reject) => {
      const queue = [...jobs];
      const outputs: ChainOutput[] = new Array(jobs.length);
      const workers = Array.from({ length: Math.min(threads, jobs.length) }, () => spawn({ recipe, stop }));
      let done = 0;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed) return;
        failed = true;
        for (const w of workers) void w.terminate();
        reject(e);
      };
      const next = (w: Worker): void => {
        const job = queue.shift();
        w.postMessage((job ? { type: 'job', job } : { type: 'exit' }) satisfies ToWorker);
      };
      for (const w of workers) {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') next(w);
          else if (m.type === 'progress') onProgress?.(m.chain, m.iteration);
          else if (m.type === 'failed') fail(rebuild(m.error));
          else {
            outputs[jobs.findIndex((j) => j.chain === m.chain)] = m.output;
            next(w);
            if (++done === jobs.length) resolve(outputs);
          }
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (code !== 0 && done < jobs.length) fail(new Error(`a chain worker exited with code ${code}`));
        });
      }
    });
}
