/**
 * The potential scale reduction factor (Gelman & Rubin 1992, in the form of Gelman et al. BDA3 and
 * Vehtari et al. 2021): sqrt(((N - 1)/N W + B/N) / W), with W the mean within-chain variance and
 * B/N the variance of the chain means. posterior's `.rhat`.
 */
import { mean, variance } from '../math/stats.js';
import { isDegenerate } from './mcmc_ess.js';
import type { Chains } from './mcmc_rank.js';

/** R-hat of the chains as given (split and rank-normalise them first for the improved R-hat); NaN where posterior gives NA. */
export function rhatOfChains(chains: Chains): number {
  if (isDegenerate(chains)) return NaN;
  const N = chains[0].length;
  const varBetween = N * variance(Float64Array.from(chains, (c) => mean(c)));
  const varWithin = mean(Float64Array.from(chains, (c) => variance(c)));
  return Math.sqrt((varBetween / varWithin + N - 1) / N);
}
