import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferArgs, type EndToEndTiming } from './end_to_end.js';
import { loadStanSmall, type StanSmallTiming } from './stan_small.js';
import { median, timeNodeProcess } from './timing.js';

/**
 * The small-model set of the NUTS benchmark (issue 12, item 7): Stan's sampling times for each are in
 * bench/stan_small/stan_timings.csv, made by bench/stan_small/time_stan.R from the Stan programs beside it.
 */
export interface SmallModel {
  /** The name Stan's timings use. */
  readonly name: string;
  readonly glmm: string;
  readonly what: string;
}

export const SMALL_MODELS: readonly SmallModel[] = [
  { name: 'eight_schools_nc', glmm: 'models/eight_schools_nc.glmm', what: 'eight schools, non-centred (10 parameters, 8 rows)' },
  { name: 'eight_schools', glmm: 'models/eight_schools.glmm', what: 'eight schools, centred: a funnel (10 parameters, 8 rows)' },
  { name: 'poisson_years', glmm: 'bench/models/poisson_years.glmm', what: 'Poisson GLMM, cubic trend + year effect (45 parameters, 40 rows)' },
  { name: 'cbpp', glmm: 'bench/models/cbpp.glmm', what: "lme4's cbpp, binomial GLMM (20 parameters, 56 rows)" },
];

/** Glimmer's end-to-end and in-process times on one small model beside Stan's sampling times. */
export interface SmallModelComparison {
  readonly model: SmallModel;
  readonly glimmer: EndToEndTiming;
  /**
   * Median seconds of the inference call alone in the same runs (run.json's timings.totalMs: compiling
   * the model, the chains, the summary and its diagnostics): what sampling() is for Stan, which is timed
   * inside a running R with rstan loaded and the model compiled.
   */
  readonly inferSeconds: number;
  readonly stan: StanSmallTiming;
}

/**
 * `ppl infer MODEL --engine nuts --out DIR` from process start to exit (default settings: 4 chains x
 * 1000 + 1000, adapt_delta 0.8, the default thread choice), median of `runs` runs after a warm-up, for
 * each small model, with the in-process time each run's run.json records and Stan's stored times.
 */
export async function compareSmallModels(root: string, runs: number): Promise<SmallModelComparison[]> {
  const stan = loadStanSmall();
  const out: SmallModelComparison[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'glimmer-small-'));
  try {
    for (const model of SMALL_MODELS) {
      const s = stan.find((t) => t.model === model.name);
      if (!s) throw new Error(`bench: no Stan timings for ${model.name} in bench/stan_small/stan_timings.csv`);
      const args = inferArgs(model.glmm, 'nuts', 'auto', ['--out', join(dir, model.name)]);
      await timeNodeProcess(args, root);
      const wall: number[] = [];
      const inside: number[] = [];
      for (let r = 0; r < runs; r++) {
        wall.push((await timeNodeProcess(args, root)) / 1000);
        const run = JSON.parse(readFileSync(join(dir, model.name, 'run.json'), 'utf8')) as { timings: { totalMs: number } };
        inside.push(run.timings.totalMs / 1000);
      }
      const glimmer: EndToEndTiming = { engine: 'nuts', model: model.glmm, backend: 'auto', seconds: median(wall), runs, all: wall, warmedUp: true, extra: ['--out', 'DIR'] };
      out.push({ model, glimmer, inferSeconds: median(inside), stan: s });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
