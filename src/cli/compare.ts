import { InferenceError } from '../api/errors.js';
import { csvField } from '../results/format.js';
import { basename, extname, join } from 'node:path';
import { Option, InvalidArgumentError, type Command } from 'commander';
import { BACKENDS, type BackendName } from '../api/backend_choice.js';
import { DEFAULT_SEED, ENGINES, inferFit, type EngineName, type Fit } from '../api/infer.js';
import { describeModel } from '../api/describe.js';
import { chosenDataPath, loadModel } from '../io/load_model.js';
import { progressHook } from './progress.js';
import { NUTS_DEFAULTS } from '../api/engine_settings.js';
import { parallelChains } from './chains/for_infer.js';
import { forestRows, forestSpec, type ForestRow } from '../plots/forest.js';
import { writeOutputs } from './output.js';
import { ALLOW_PATH, intOption, type Io } from './io.js';
import { renderPlot } from './plot_render.js';


/** Most exact first: the engine the others are measured against is the first of these present. */
export const EXACTNESS: readonly EngineName[] = ['nuts', 'hmc', 'fullrank', 'laplace', 'advi'];
/** Engines whose answer depends on the seed; laplace's (its mean and sd) does not, so it runs once. */
const STOCHASTIC: ReadonlySet<EngineName> = new Set(['advi', 'fullrank', 'nuts', 'hmc']);

const DEFAULT_ENGINES: readonly EngineName[] = ['laplace', 'advi', 'fullrank', 'nuts'];

export const referenceEngine = (engines: readonly EngineName[]): EngineName => EXACTNESS.find((e) => engines.includes(e)) ?? engines[0];

/** The largest gap between an engine and the reference, over the quantities, in the reference's posterior sds. */
export interface Disagreement {
  readonly engine: EngineName;
  /** max |mean - reference mean| / reference sd, and where. */
  readonly mean: number;
  readonly meanAt: string;
  /** The sd ratio (engine / reference) furthest from 1 on a log scale, and where. */
  readonly sdRatio: number;
  readonly sdAt: string;
}

export function disagreements(fits: readonly Fit[], reference: EngineName): Disagreement[] {
  const ref = fits.find((f) => f.engine === reference);
  if (!ref) throw new RangeError(`no fit of the reference engine '${reference}'`);
  return fits.filter((f) => f !== ref).map((f) => {
    let worst = { engine: f.engine, mean: -1, meanAt: '', sdRatio: 1, sdAt: '' };
    ref.summary.forEach((r, j) => {
      const row = f.summary[j];
      const gap = Math.abs(row.mean - r.mean) / r.sd;
      const ratio = row.sd / r.sd;
      if (gap > worst.mean) worst = { ...worst, mean: gap, meanAt: r.name };
      if (worst.sdAt === '' || Math.abs(Math.log(ratio)) > Math.abs(Math.log(worst.sdRatio))) worst = { ...worst, sdRatio: ratio, sdAt: r.name };
    });
    return worst;
  });
}

const cell = (x: number | undefined, digits: number): string => (x === undefined ? '' : Number.isFinite(x) ? x.toFixed(digits) : String(x));

/**
 * Means and sds side by side, one row per quantity and one group of columns per engine; with K runs,
 * the pooled mean and sd and the sd of the K runs' means.
 */
export function compareTable(fits: readonly Fit[]): string {
  const names = fits[0].summary.map((r) => r.name);
  const groups = fits.map((f) => ({
    title: f.runs ? `${f.engine} (${f.runs.length} runs)` : f.engine,
    head: f.runs ? ['mean', 'sd', 'run sd'] : ['mean', 'sd'],
    cells: f.summary.map((r) => [cell(r.mean, 3), cell(r.sd, 3), ...(f.runs ? [cell(r.runSd, 4)] : [])]),
  }));
  const nameWidth = Math.max(4, ...names.map((n) => n.length));
  const widths = groups.map((g) => g.head.map((h, c) => Math.max(h.length, ...g.cells.map((row) => row[c].length))));
  const groupWidth = (i: number): number => widths[i].reduce((a, b) => a + b, 0) + 2 * (widths[i].length - 1);
  const line = (first: string, parts: string[]): string => [first.padEnd(nameWidth), ...parts].join('   ').trimEnd();
  const titles = line('', groups.map((g, i) => g.title.padEnd(groupWidth(i))));
  const heads = line('name', groups.map((g, i) => g.head.map((h, c) => h.padStart(widths[i][c])).join('  ')));
  const rows = names.map((n, j) => line(n, groups.map((g, i) => g.cells[j].map((s, c) => s.padStart(widths[i][c])).join('  '))));
  return [titles, heads, ...rows].join('\n');
}

/** What the comparison prints under the table: each engine's largest gap to the reference. */
export function describeDisagreements(fits: readonly Fit[], reference: EngineName): string {
  const ds = disagreements(fits, reference);
  const w = Math.max(6, ...ds.map((d) => d.engine.length));
  const lines = [`largest disagreement with ${reference} (the most exact engine here), in posterior sds of ${reference}:`];
  for (const d of ds) {
    lines.push(`  ${d.engine.padEnd(w)}  mean off by ${d.mean.toFixed(3)} sd at ${d.meanAt}; sd ratio ${d.sdRatio.toFixed(3)} at ${d.sdAt}`);
  }
  // The reference's own Monte Carlo noise: a gap below it says nothing about the other engine.
  const ref = fits.find((f) => f.engine === reference);
  const noise = ref?.summary.map((r) => ({ name: r.name, x: (r.runSd ?? r.mcseMean ?? NaN) / r.sd })).filter((r) => Number.isFinite(r.x))
    .reduce<{ name: string; x: number } | undefined>((a, b) => (a === undefined || b.x > a.x ? b : a), undefined);
  if (ref && noise) {
    const what = ref.runs ? `run-to-run sd of the means of ${reference} over ${ref.runs.length} runs` : `Monte Carlo standard error of the means of ${reference}`;
    lines.push(`  (for scale: the ${what} is up to ${noise.x.toFixed(3)} sd, at ${noise.name})`);
  }
  return lines.join('\n');
}

/** Every engine and run as forest rows: one fit per engine, or one per run with K runs. */
export function compareForestRows(fits: readonly Fit[]): ForestRow[] {
  return fits.flatMap((f) => (f.runs
    ? f.runs.flatMap((r) => forestRows(`${f.engine} seed ${r.seed}`, f.engine, r.summary))
    : forestRows(f.engine, f.engine, f.summary)));
}


/** The comparison as CSV: one row per engine, run and quantity (run 0: a fit of one run). */
function compareCsv(fits: readonly Fit[]): string {
  const lines = ['engine,seed,name,mean,sd,q2.5,q97.5'];
  for (const f of fits) {
    const parts = f.runs ? f.runs.map((r) => ({ seed: r.seed, rows: r.summary })) : [{ seed: f.settings.seed, rows: f.summary }];
    for (const p of parts) {
      for (const r of p.rows) lines.push([f.engine, p.seed, csvField(r.name), r.mean, r.sd, r.q2_5, r.q97_5].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

function engineList(v: string): EngineName[] {
  const names = [...new Set(v.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  const bad = names.filter((n) => !(ENGINES as readonly string[]).includes(n));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown engine${bad.length > 1 ? 's' : ''} ${bad.map((b) => `'${b}'`).join(', ')} (engines: ${ENGINES.join(', ')})`);
  if (names.length === 0) throw new InvalidArgumentError('give at least one engine');
  return names as EngineName[];
}

interface CompareOpts { engines: readonly EngineName[]; runs: number; seed: number; out?: string; data?: string; allowPath?: boolean; backend: BackendName; threads?: number }

/**
 * Fits with every engine; an engine that fails (an InferenceError: E517 for fullrank on thousands of
 * parameters, say) is reported in its place and the others go on. Returns the failures; all failing
 * is the first one's error.
 */
async function runCompare(model: string, opts: CompareOpts, io: Io, tty: boolean): Promise<{ engine: EngineName; error: InferenceError }[]> {
  const m = loadModel(model, { dataPath: opts.data });
  for (const n of m.notes) io.err(`note: ${n}`);
  const fits: Fit[] = [];
  const failed: { engine: EngineName; error: InferenceError }[] = [];
  for (const engine of opts.engines) {
    const runs = STOCHASTIC.has(engine) ? opts.runs : 1;
    const progress = tty && (engine === 'nuts' || engine === 'hmc') ? { onProgress: progressHook(engine, (s) => process.stderr.write(s)) } : {};
    const parallel = engine === 'nuts' || engine === 'hmc'
      ? parallelChains({ modelPath: model, dataPath: opts.data, ml: false, backend: opts.backend, chains: NUTS_DEFAULTS.chains, threads: opts.threads })
      : undefined;
    let fit: Fit;
    try {
      fit = await inferFit(m, { engine, seed: opts.seed, runs, backend: opts.backend, hooks: { ...progress, ...parallel?.hooks } });
    } catch (e) {
      if (!(e instanceof InferenceError)) throw e;
      failed.push({ engine, error: e });
      io.out(`${engine}: failed: error[${e.code}]: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
      continue;
    } finally {
      // A Ctrl-C here has already cut the chains short, and the fit says so in its warnings.
      parallel?.finish();
    }
    io.out(`${engine}: ${runs > 1 ? `${runs} runs (seeds ${opts.seed}-${opts.seed + runs - 1})` : `seed ${opts.seed}`}, ${(fit.timings.totalMs / 1000).toFixed(1)} s`);
    for (const w of fit.warnings) io.err(`warning: ${engine}: ${w.message}`);
    fits.push(fit);
  }
  if (fits.length === 0) throw failed[0].error;
  const engines = fits.map((f) => f.engine);
  io.out(`\ncomparison of ${engines.join(', ')} on ${model}: ${m.nRows} rows, ${describeModel(m).dim} parameters` +
    `${failed.length ? ` (${failed.map((f) => `${f.engine} failed: ${f.error.code}`).join(', ')})` : ''}\n`);
  io.out(compareTable(fits));
  if (fits.length > 1) io.out('\n' + describeDisagreements(fits, referenceEngine(engines)));
  const dir = opts.out ?? `compare-${basename(model, extname(model))}`;
  const runsNote = opts.runs > 1 ? `, ${opts.runs} runs of each stochastic engine` : '';
  await renderPlot(forestSpec(compareForestRows(fits), `${basename(model)}: posterior means and 95% intervals by engine${runsNote}`), dir, 'forest');
  writeOutputs(dir, { 'compare.csv': compareCsv(fits) });
  io.out(`\nwrote ${join(dir, 'forest.svg')}, ${join(dir, 'forest.png')}, ${join(dir, 'compare.csv')}`);
  return failed;
}

/**
 * Adds `ppl compare` to the program. `progress`: draw the sampler's progress line on stderr (a terminal);
 * `onError` turns a failure into the exit code (main.ts's reportError).
 */
export function registerCompare(program: Command, io: Io, progress: boolean, onError: (e: unknown, files: readonly string[]) => void, setCode: (code: number) => void): void {
  program.command('compare')
    .description('fit a model with several engines and compare their estimates (table, largest disagreement, forest plot)')
    .argument('<model>', 'a .glmm model file')
    .addOption(new Option('--engines <list>', `comma-separated engines (${ENGINES.join(', ')})`).argParser(engineList).default(DEFAULT_ENGINES, DEFAULT_ENGINES.join(',')))
    .option('--runs <k>', 'runs of each stochastic engine (advi, fullrank, nuts, hmc), seeds seed..seed+K-1', intOption('--runs', 1), 1)
    .option('--seed <n>', 'random seed of the first run', intOption('--seed', 0), DEFAULT_SEED)
    .option('--out <dir>', 'folder for forest.svg, forest.png and compare.csv (default: compare-<model name>)')
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option(...ALLOW_PATH)
    .addOption(new Option('--backend <name>', 'log-density backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', 'MCMC: worker threads for the chains (default: one per chain, up to the cores)', intOption('--threads', 1))
    .action(async (model: string, opts: CompareOpts) => {
      try {
        opts.data = chosenDataPath(model, opts.data, opts.allowPath);
        // Some engines failed, the others compared: exit 1, as a failed fit does.
        if ((await runCompare(model, opts, io, progress)).length > 0) setCode(1);
      } catch (e) {
        onError(e, [model]);
      }
    });
}
