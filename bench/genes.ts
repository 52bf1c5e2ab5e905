import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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
  /**
   * CPU seconds of the whole process, every thread (GNU time's %U + %S): the fits, and V8's compiler and
   * collector threads beside them, which a wall time on an otherwise idle core does not count. NaN where
   * GNU time is missing.
   */
  readonly cpuSeconds: number;
  /** glmmTMB's median seconds per gene on the same genes (its reference file), when there is one. */
  readonly referenceSecondsPerGene?: number;
  /** Cells per gene, and the share of the 95% intervals of the cell-group effects that cover the truth. */
  readonly cells?: number;
  readonly coverage?: number;
}

/** Runs `node bin/ppl.js ARGS` under GNU time: wall seconds, peak RSS and CPU seconds. */
async function timed(root: string, args: readonly string[]): Promise<{ seconds: number; peakMb: number; cpuSeconds: number }> {
  const t0 = performance.now();
  const useTime = existsSync('/usr/bin/time');
  const [cmd, argv] = useTime ? ['/usr/bin/time', ['-f', '%M %U %S', process.execPath, 'bin/ppl.js', ...args]] : [process.execPath, ['bin/ppl.js', ...args]];
  const stderr = await new Promise<string>((resolve, reject) => {
    const p = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`bench: ppl ${args.join(' ')} exited ${code}: ${err.slice(-500)}`))));
  });
  const [kb, user, sys] = (stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return {
    seconds: (performance.now() - t0) / 1000,
    peakMb: useTime && Number.isFinite(kb) ? kb / 1024 : NaN,
    cpuSeconds: useTime && Number.isFinite(user + sys) ? user + sys : NaN,
  };
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
        seconds: median(all.map((a) => a.seconds)), peakMb: Math.max(...all.map((a) => a.peakMb)), cpuSeconds: median(all.map((a) => a.cpuSeconds)), referenceSecondsPerGene: tmbPerGene,
      });
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The full-transcriptome dataset: ZEB2's 68,627 cells, 20,000 Poisson genes, kept between bench runs. */
const SCALE = { genes: 20000, cells: 68627, base: -11, baseSd: 1.5, seed: 7 };

/**
 * fit-genes --ml on SCALE (simulated once by scripts/simulate_genes.ts --h5ad into bench/.cache, which is
 * not committed), end to end from the h5ad with the default workers (the cores), with its peak memory and
 * the coverage of the cell-group effects' 95% intervals.
 */
export async function measureGenesAtScale(root: string, say: (line: string) => void): Promise<GenesTiming> {
  const dir = join(root, 'bench/.cache', `genes-${SCALE.genes}x${SCALE.cells}-poisson`);
  const h5ad = join(dir, 'counts.h5ad');
  if (!existsSync(h5ad)) {
    say(`simulating ${SCALE.genes} genes x ${SCALE.cells} cells into ${dir} (once; kept for later runs)`);
    await run(process.execPath, ['--import', 'tsx', 'scripts/simulate_genes.ts', '--genes', String(SCALE.genes), '--cells', '0', '--family', 'poisson',
      '--h5ad', `--base=${SCALE.base}`, '--base-sd', String(SCALE.baseSd), '--seed', String(SCALE.seed), '--out', dir], root);
  }
  const out = mkdtempSync(join(tmpdir(), 'glimmer-genes-scale-'));
  try {
    const t = await timed(root, ['fit-genes', 'models/genes.glmm', h5ad, '--ml', '--out', out]);
    return {
      what: `Poisson, ZEB2 model, --ml, ${SCALE.genes.toLocaleString('en-US')} genes x ${SCALE.cells.toLocaleString('en-US')} cells from counts.h5ad`,
      genes: SCALE.genes, workers: availableParallelism(), cells: SCALE.cells, ...t,
      coverage: coverage(readFileSync(join(out, 'results.csv'), 'utf8'), JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'))),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * The negative binomial sets: issue 13's, 200 genes x 20,000 of ZEB2's cells (drawn with replacement),
 * with one worker (NEBULA's figures are for one core) and the default (the cores); and ten times the
 * genes with the default, where each worker's fixed cost (V8 compiling the code on its first genes, ~1 s)
 * is spread over 1,000 genes instead of 100. Kept between bench runs.
 */
const NB_SETS = [{ genes: 200, cells: 20000, seed: 1, workers: [1, availableParallelism()] }, { genes: 2000, cells: 20000, seed: 2, workers: [availableParallelism()] }];

/**
 * fit-genes --ml with models/genes_nb.glmm (a dispersion per gene) on each NB set, simulated once by
 * scripts/simulate_genes.ts into bench/.cache, end to end from its Matrix Market folder, beside glmmTMB's
 * median time per gene on the first 12 of the 200-gene set's genes (measured here by
 * test/fixtures/genes-nb/reference/fit_glmmtmb.R).
 */
export async function measureGenesNegativeBinomial(root: string, say: (line: string) => void): Promise<GenesTiming[]> {
  const ref = parse(gunzipSync(readFileSync(join(root, 'test/fixtures/genes-nb/reference/glmmtmb_nb_genes.csv.gz'))).toString(), { columns: true }) as { seconds: string }[];
  const rows: GenesTiming[] = [];
  for (const set of NB_SETS) {
    const dir = join(root, 'bench/.cache', `genes-${set.genes}x${set.cells}-nb`);
    if (!existsSync(join(dir, 'truth.json'))) {
      say(`simulating ${set.genes} negative binomial genes x ${set.cells} cells into ${dir} (once; kept for later runs)`);
      await run(process.execPath, ['--import', 'tsx', 'scripts/simulate_genes.ts', '--genes', String(set.genes), '--cells', String(set.cells), '--family', 'nb',
        '--seed', String(set.seed), '--out', dir], root);
    }
    for (const workers of new Set(set.workers)) {
      const out = mkdtempSync(join(tmpdir(), 'glimmer-genes-nb-'));
      try {
        const t = await timed(root, ['fit-genes', 'models/genes_nb.glmm', join(dir, 'mtx'), '--cells', join(dir, 'cells.csv.gz'), '--ml', '--out', out, '--workers', String(workers)]);
        rows.push({
          what: `negative binomial (models/genes_nb.glmm), --ml, ${set.genes.toLocaleString('en-US')} genes x ${set.cells.toLocaleString('en-US')} cells from Matrix Market`,
          genes: set.genes, workers, cells: set.cells, ...t, referenceSecondsPerGene: median(ref.map((r) => Number(r.seconds))),
          coverage: coverage(readFileSync(join(out, 'results.csv'), 'utf8'), JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'))),
        });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

/** The share of the cell-group effects' 95% intervals (estimated groups only) that hold the true value. */
function coverage(results: string, truth: { per_gene: Record<string, { beta: Record<string, number> }> }): number {
  const rows = parse(results, { columns: true }) as { gene: string; name: string; 'q2.5': string; 'q97.5': string }[];
  let hit = 0;
  let n = 0;
  for (const r of rows) {
    const m = /^beta\[(.*)\]$/.exec(r.name);
    const lo = Number(r['q2.5']);
    if (!m || !Number.isFinite(lo)) continue;
    const b = truth.per_gene[r.gene]?.beta[m[1]];
    if (b === undefined) continue;
    n++;
    if (lo <= b && b <= Number(r['q97.5'])) hit++;
  }
  return hit / n;
}

function run(cmd: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench: ${args.join(' ')} exited ${code}`))));
  });
}

export function genesTable(rows: readonly GenesTiming[]): string {
  return markdownTable(['run', 'genes', 'workers', 'end to end (s)', 'genes / s', 'ms per gene per core', 'CPU ms per gene', 'glmmTMB ms per gene', 'glmmTMB / Glimmer per core', 'peak memory (MB)', '95% coverage'],
    rows.map((r) => {
      const perCore = (1000 * r.seconds * r.workers) / r.genes;
      return [r.what, String(r.genes), String(r.workers), sig(r.seconds), sig(r.genes / r.seconds), sig(perCore), Number.isFinite(r.cpuSeconds) ? sig((1000 * r.cpuSeconds) / r.genes) : '',
        r.referenceSecondsPerGene === undefined ? '' : sig(1000 * r.referenceSecondsPerGene),
        r.referenceSecondsPerGene === undefined ? '' : `${((1000 * r.referenceSecondsPerGene) / perCore).toFixed(1)}x`, Number.isFinite(r.peakMb) ? sig(r.peakMb) : '',
        r.coverage === undefined ? '' : `${(100 * r.coverage).toFixed(1)}%`];
    }), ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}
