import { summarize } from '../math/stats.js';

export interface SummaryRow {
  readonly name: string;
  readonly mean: number;
  readonly sd: number;
  readonly q2_5: number;
  readonly q50: number;
  readonly q97_5: number;
  /** MCMC diagnostics (rank-normalised split R-hat, bulk/tail ESS, MCSE of the mean), when draws come in chains. */
  readonly rhat?: number;
  readonly essBulk?: number;
  readonly essTail?: number;
  readonly mcseMean?: number;
}

/** One row per scalar quantity from draws (rows = draws, columns = quantities), weighted when weights are given. */
export function summarizeDraws(names: readonly string[], draws: readonly Float64Array[], weights?: Float64Array, _chains?: number): SummaryRow[] {
  return names.map((name, j) => {
    const column = Float64Array.from(draws, (d) => d[j]);
    const s = summarize(column, weights);
    return { name, mean: s.mean, sd: s.sd, q2_5: s.q2_5, q50: s.q50, q97_5: s.q97_5 };
  });
}
