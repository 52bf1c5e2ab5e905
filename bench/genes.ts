import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { markdownTable, sig } from './report.js';
import { median } from './timing.js';

/** One `ppl fit-genes` configuration, timed end to end (reading the h5ad included) with its peak memory. */
export interface GenesTiming {
  readonly what: string;
  readonly genes: number;
  readonly workers: number;
  readonly seconds: number;
  /** Peak resident memory of the process (GNU time's %M), MB; NaN where GNU time is missing. */
  readonly peakMb: number;
  /** glmmTMB's median seconds per gene on the same genes (its reference file), when there is one. */
  readonly referenceSecondsPerGene?: number;
}

/** Runs `node bin/ppl.js ARGS` under GNU time: wall seconds and peak RSS. */
async function timed(root: string, args: readonly string[]): Promise<{ seconds: number; peakMb: number }> {
  const t0 = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const [cmd, argv] = useTime ? ['/usr/bin/time', ['-f', '%M', process.execPath, 'bin/ppl.js', ...args]] : [process.execPath, ['bin/ppl.js', ...args]];
  const stderr = await new Promise<string>((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`bench: ppl ${args.join(' ')} exited ${code}: ${err.slice(-500)}`))));
  });
  const kb = Number(stderr.trim().split('\n').pop());
  return { seconds: (performance.now() - t0) / 1000, peakMb: useTime && Number.isFinite(kb) ? kb / 1024 : NaN };
}


/**
 * fit-genes --ml on the 300 simulated Poisson genes x 5,000 cells of test/fixtures/genes-300 (ZEB2's
 * design), from the h5ad, with 1 and 2 workers, beside glmmTMB's time per gene on the same genes.
 */
export async function measureGenes(root: string, runs: number): Promise<GenesTiming[]> {
  const dir = mkdtempSync(join(tmpdir(), 'glimmer-genes-bench-'));
  const ref = parse(gunzipSync(readFileSync(join(root, 'test/fixtures/genes-300/reference/glmmtmb_genes.csv.gz'))).toString(), { columns: true }) as { seconds: string }[];
  const tmbPerGene = median(ref.map((r) => Number(r.seconds)));
  try {
    const out: GenesTiming[] = [];
    for (const workers of [1, 2]) {
      const args = ['fit-genes', 'models/genes.glmm', 'test/fixtures/genes-300/counts.h5ad', '--layer', 'counts', '--ml', '--out', join(dir, `w${workers}`), '--workers', String(workers)];
      const all = [];
      for (let r = 0; r < Math.max(1, Math.min(runs, 3)); r++) all.push(await timed(root, args));
      out.push({
        what: 'Poisson, ZEB2 model (models/genes.glmm), --ml, from counts.h5ad', genes: 300, workers,
        seconds: median(all.map((a) => a.seconds)), peakMb: Math.max(...all.map((a) => a.peakMb)), referenceSecondsPerGene: tmbPerGene,
      });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function genesTable(rows: readonly GenesTiming[]): string {
  return markdownTable(['run', 'genes', 'workers', 'end to end (s)', 'genes / s', 'ms per gene per core', 'glmmTMB ms per gene', 'glmmTMB / Glimmer per core', 'peak memory (MB)'],
    rows.map((r) => {
      const perCore = (1000 * r.seconds * r.workers) / r.genes;
      return [r.what, String(r.genes), String(r.workers), sig(r.seconds), sig(r.genes / r.seconds), sig(perCore),
        r.referenceSecondsPerGene === undefined ? '' : sig(1000 * r.referenceSecondsPerGene),
        r.referenceSecondsPerGene === undefined ? '' : `${((1000 * r.referenceSecondsPerGene) / perCore).toFixed(1)}x`, Number.isFinite(r.peakMb) ? sig(r.peakMb) : ''];
    }), ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}
