import { DEFAULT_POLICY, timeInfer, type EndToEndTiming } from './end_to_end.js';
import { loadStanSmall, type StanSmallTiming } from './stan_small.js';

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

/** Glimmer's end-to-end time on one small model beside Stan's sampling times. */
export interface SmallModelComparison {
  readonly model: SmallModel;
  readonly glimmer: EndToEndTiming;
  readonly stan: StanSmallTiming;
}

/**
 * `ppl infer MODEL --engine nuts` from process start to exit (default settings: 4 chains x 1000 + 1000,
 * adapt_delta 0.8, the default thread choice), median of `runs` runs after a warm-up, for each small
 * model, with Stan's stored times for the same model.
 */
export async function compareSmallModels(root: string, runs: number): Promise<SmallModelComparison[]> {
  const stan = loadStanSmall();
  const out: SmallModelComparison[] = [];
  for (const model of SMALL_MODELS) {
    const s = stan.find((t) => t.model === model.name);
    if (!s) throw new Error(`bench: no Stan timings for ${model.name} in bench/stan_small/stan_timings.csv`);
    out.push({ model, glimmer: await timeInfer(root, model.glmm, 'nuts', 'auto', { ...DEFAULT_POLICY, runs }), stan: s });
  }
  return out;
}
