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
