import { summarize } from '../math/stats.js';
import { column } from '../math/column.js';
import { summaryDiagnostics, type SummaryDiagnostics } from '../diagnostics/mcmc.js';

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

/**
 * One row per scalar quantity from draws (rows = draws, columns = quantities), weighted when weights are given.
 * When the draws are `chains` chains of equal length, chain after chain (MCMC), each row also gets R-hat, bulk
 * and tail ESS and the MCSE of the mean (Vehtari et al. 2021, as R's posterior computes them); `known[j]`,
 * when given, is column j's already (an engine computed them for its warnings).
 */
export function summarizeDraws(names: readonly string[], draws: readonly Float64Array[], weights?: Float64Array, chains?: number,
  known: readonly (SummaryDiagnostics | undefined)[] = []): SummaryRow[] {
  const mcmc = chains !== undefined && weights === undefined && draws.length % chains === 0 && draws.length >= 4 * chains;
  return names.map((name, j) => {
    const values = column(draws, j);
    // Sorted once, for the quantiles and the diagnostics' median and tail quantiles.
    const sorted = weights === undefined ? Float64Array.from(values).sort() : undefined;
    const s = summarize(values, weights, sorted);
    const row = { name, mean: s.mean, sd: s.sd, q2_5: s.q2_5, q50: s.q50, q97_5: s.q97_5 };
    if (!mcmc) return row;
    const d = known[j] ?? summaryDiagnostics(values, chains, sorted);
    return { ...row, rhat: d.rhat, essBulk: d.essBulk, essTail: d.essTail, mcseMean: d.mcseMean };
  });
}
