/**
 * What each part of the default VI recipe buys, measured on ZEB2 (10 seeds; a few minutes):
 *   node --import tsx test/engines/vi/ablation.ts [seeds]
 * Each row changes one setting from the default; docs/engines.md quotes the table.
 */
import { messages } from '../../../src/core/warning.js';
import { inferFit } from '../../../src/api/infer.js';
import { readStanSummary } from '../../fixtures/load.js';
import { loadRepoModel } from '../../helpers.js';
import { assess } from './assess.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

const seeds = Number(process.argv[2] ?? 10);
const variants: [string, Record<string, unknown>][] = [
  ['default', {}],
  ['no averaging (last of 450 steps at lr 0.05)', { average: false, steps: 450 }],
  ['2 draws per step', { mcDraws: 2 }],
  ['random start, no whitening', { init: 'random' }],
  ['analytic-entropy gradient (no STL)', { estimator: 'entropy' }],
  ['plain SGD, lr 0.1', { optimizer: 'sgd', lr: 0.1 }],
];

console.log('| model | engine | variant | spread (NUTS sd) | flips | worst mean err | sd err range | k-hat | steps | s/run |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [model, prefix] of [['zeb2.glmm', 'weak'], ['zeb2_tfp.glmm', 'tfp_priors']]) {
  const nuts = readStanSummary(`zeb2/${prefix}_stan_nuts_summary.csv`);
  const m = loadRepoModel(model);
  for (const engine of ['fullrank', 'advi'] as const) {
    for (const [label, settings] of variants) {
      const fit = await inferFit(m, { engine, seed: 1, runs: seeds, settings });
      const runs = fit.runs ?? [];
      const a = assess(runs.map((r) => ({
        means: new Map(r.summary.map((s) => [s.name, { mean: s.mean, sd: s.sd }])), warnings: messages(r.warnings), khat: diagnosticsOf(r.diagnostics, 'vi').khat,
      })), nuts);
      const steps = runs.map((r) => diagnosticsOf(r.diagnostics, 'vi').steps);
      const secs = runs.map((r) => Object.values(r.timings).reduce((x, y) => x + y, 0) / 1000);
      console.log(`| ${model} | ${engine} | ${label} | ${a.spread.toFixed(3)} | ${a.flips} | ${a.meanError.toFixed(3)} | ` +
        `${a.sdErrorMin.toFixed(2)} to ${a.sdErrorMax.toFixed(2)} | ${a.khatMin.toFixed(2)}-${a.khatMax.toFixed(2)} | ` +
        `${Math.min(...steps)}-${Math.max(...steps)} | ${(secs.reduce((x, y) => x + y, 0) / secs.length).toFixed(2)} |`);
    }
  }
}
