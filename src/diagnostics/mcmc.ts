/**
 * Convergence diagnostics of one variable's MCMC draws, as defined by Vehtari, Gelman, Simpson, Carpenter
 * & Bürkner (2021) and computed by R's `posterior` (1.4): rank-normalised split R-hat (the larger of the
 * bulk and the folded "tail" version), bulk and tail ESS, and the Monte Carlo standard error of the mean.
 * All in float64; tested against posterior's values in test/fixtures/diagnostics.
 */
import { mean, sd } from '../math/stats.js';
import { ess, isDegenerate } from './mcmc_ess.js';
import { rhatOfChains } from './mcmc_rhat.js';
import { concat, foldDraws, indicatorAtQuantile, splitChains, toChains, zScale, type Chains } from './mcmc_rank.js';

export interface McmcDiagnostics {
  /** max(R-hat of rank-normalised split chains, the same of the chains folded about the median). */
  readonly rhat: number;
  /** Classic split R-hat, without ranks. */
  readonly rhatBasic: number;
  /** ESS of the rank-normalised split chains: how well the bulk is explored. */
  readonly essBulk: number;
  /** min(ESS of I(x <= q5%), ESS of I(x <= q95%)): how well the tails are explored. */
  readonly essTail: number;
  /** ESS of the split chains themselves: the ESS of the mean. */
  readonly essBasic: number;
  /** sd(x) / sqrt(essBasic). */
  readonly mcseMean: number;
  /** MCSE of the sd without assuming normality (Kenney & Keeping 1951, as posterior >= 1.2.2). */
  readonly mcseSd: number;
}

/** R-hat of the folded draws |x - median|, rank-normalised and split: it sees chains that differ in scale. */
function foldedRhat(chains: Chains): number {
  return rhatOfChains(zScale(splitChains(foldDraws(chains))));
}

export function rhat(chains: Chains): number {
  return Math.max(rhatOfChains(zScale(splitChains(chains))), foldedRhat(chains));
}

export function essBulk(chains: Chains): number {
  return ess(zScale(splitChains(chains)));
}

export function essQuantile(chains: Chains, prob: number): number {
  if (isDegenerate(chains)) return NaN;
  return ess(splitChains(indicatorAtQuantile(chains, prob)));
}

export function essTail(chains: Chains): number {
  return Math.min(essQuantile(chains, 0.05), essQuantile(chains, 0.95));
}

/**
 * MCSE of sd(x): the variance of the variance estimate is (E c^4 - (E c^2)^2) / ESS(c^2) for c = x - mean,
 * and a first-order Taylor step takes it to the sd: var(sd) = var(var) / (4 var).
 */
export function mcseSd(chains: Chains, column: Float64Array): number {
  const m = mean(column);
  const c2 = column.map((x) => (x - m) * (x - m));
  const essC2 = ess(splitChains(toChains(c2, chains.length)));
  const evar = mean(c2);
  const varvar = (mean(c2.map((v) => v * v)) - evar * evar) / essC2;
  return Math.sqrt(varvar / evar / 4);
}

/** All diagnostics of one variable, from its chain-major column of draws. */
export function mcmcDiagnostics(column: ArrayLike<number>, nChains: number): McmcDiagnostics {
  const chains = toChains(column, nChains);
  const split = splitChains(chains);
  const essBasic = ess(split);
  return {
    ...summaryDiagnostics(column, nChains),
    rhatBasic: rhatOfChains(split),
    essBasic,
    mcseSd: mcseSd(chains, Float64Array.from(column)),
  };
}

/** What a summary row and the sampler's warnings show: mcmcDiagnostics without rhatBasic and mcseSd (one ESS fewer). */
export type SummaryDiagnostics = Pick<McmcDiagnostics, 'rhat' | 'essBulk' | 'essTail' | 'mcseMean'>;

export function summaryDiagnostics(column: ArrayLike<number>, nChains: number, sortedColumn?: Float64Array): SummaryDiagnostics {
  const chains = toChains(column, nChains);
  const split = splitChains(chains);
  const zBulk = zScale(split);
  // One sort of the pooled draws serves the median (folding) and both tail quantiles: sorting was most
  // of a summary row's cost, and these three each sorted the same draws again. `sortedColumn`, when
  // given, is the column sorted (a summary that sorted it for its quantiles).
  const sorted = sortedColumn ?? concat(chains).sort();
  const tail = (prob: number): number => ess(splitChains(indicatorAtQuantile(chains, prob, sorted)));
  return {
    rhat: Math.max(rhatOfChains(zBulk), rhatOfChains(zScale(splitChains(foldDraws(chains, sorted))))),
    essBulk: ess(zBulk),
    essTail: isDegenerate(chains) ? NaN : Math.min(tail(0.05), tail(0.95)),
    mcseMean: sd(Float64Array.from(column)) / Math.sqrt(ess(split)),
  };
}
