/**
 * Issue 5's acceptance on ZEB2, 10 seeds per engine and recipe (about a minute in all):
 *   node --import tsx test/engines/vi/acceptance_10_seeds.ts [seeds]
 * Prints one row per (model, engine, recipe) with the numbers the issue asks for; docs/engines.md
 * quotes them. The vitest suite runs the same checks with fewer seeds.
 */
import { inferFit, type Fit } from '../../../src/api/infer.js';
import { readCsv, readStanSummary } from '../../fixtures/load.js';
import { loadRepoModel } from '../../helpers.js';
import { assess, type RunView } from './assess.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { messages } from '../../../src/core/warning.js';

const seeds = Number(process.argv[2] ?? 10);

function views(fit: Fit): RunView[] {
  return (fit.runs ?? []).map((r) => ({
    means: new Map(r.summary.map((s) => [s.name, { mean: s.mean, sd: s.sd }])),
    warnings: messages(r.warnings),
    khat: diagnosticsOf(r.diagnostics, 'vi').khat,
  }));
}

/** Stan ADVI's 10 runs from the fixtures, for comparison. */
function stanViews(file: string): RunView[] {
  const byRun = new Map<string, Map<string, { mean: number; sd: number }>>();
  for (const row of readCsv(file)) {
    if (!byRun.has(row.run)) byRun.set(row.run, new Map());
    byRun.get(row.run)!.set(row.name, { mean: Number(row.mean), sd: Number(row.sd) });
  }
  return [...byRun.values()].map((means) => ({ means, warnings: [], khat: NaN }));
}

const f = (x: number, digits = 3): string => x.toFixed(digits);
const rows: string[] = [
  '| model | engine | recipe | spread (NUTS sd) | flips (sure) | worst mean err | sd err range | k-hat | k-hat warned | sd>30% short: warned | steps | s/run | 10-run total s |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const [model, prefix] of [['zeb2.glmm', 'weak'], ['zeb2_tfp.glmm', 'tfp_priors']]) {
  const nuts = readStanSummary(`zeb2/${prefix}_stan_nuts_summary.csv`);
  const m = loadRepoModel(model);
  for (const engine of ['fullrank', 'advi'] as const) {
    for (const recipe of ['glimmer', 'tfp'] as const) {
      const fit = await inferFit(m, { engine, seed: 1, runs: seeds, settings: { viRecipe: recipe } });
      const a = assess(views(fit), nuts);
      const steps = (fit.runs ?? []).map((r) => diagnosticsOf(r.diagnostics, 'vi').steps);
      const secs = (fit.runs ?? []).map((r) => Object.values(r.timings).reduce((x, y) => x + y, 0) / 1000);
      rows.push(`| ${model} | ${engine} | ${recipe} | ${f(a.spread)} (${a.spreadAt}) | ${a.flips} (${a.flipsAwayFromZero}) | ${f(a.meanError)} | ` +
        `${f(a.sdErrorMin, 2)} to ${f(a.sdErrorMax, 2)} | ${f(a.khatMin, 2)}-${f(a.khatMax, 2)} | ${a.khatWarned}/${seeds} | ` +
        `${a.runsSdShort - a.runsSdShortUnwarned}/${a.runsSdShort} | ${Math.min(...steps)}-${Math.max(...steps)} | ` +
        `${f(Math.min(...secs), 2)}-${f(Math.max(...secs), 2)} | ${f(fit.timings.totalMs / 1000, 1)} |`);
      console.error(rows[rows.length - 1]);
    }
  }
  for (const family of ['fullrank', 'meanfield']) {
    const a = assess(stanViews(`zeb2/${prefix}_stan_advi_${family}_runs.csv`), nuts);
    rows.push(`| ${model} | Stan ADVI ${family} | Stan defaults | ${f(a.spread)} (${a.spreadAt}) | ${a.flips} (${a.flipsAwayFromZero}) | ${f(a.meanError)} | ` +
      `${f(a.sdErrorMin, 2)} to ${f(a.sdErrorMax, 2)} | - | - | - | - | - | - |`);
  }
}
console.log(rows.join('\n'));
