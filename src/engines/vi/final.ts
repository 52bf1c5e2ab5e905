import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { InferenceError } from '../../core/errors.js';
import { psis, type PsisResult } from '../../diagnostics/psis.js';
import type { Family } from './family.js';
import { standardNormals } from './step.js';

const BATCH = 32;

export interface FinalDraws {
  readonly draws: Float64Array[];
  readonly psis: PsisResult;
  /** ELBO from these draws, normalising constant included, and its Monte Carlo standard error. */
  readonly elbo: number;
  readonly elboMcse: number;
  /** Draws whose log density was not finite (they get weight 0). */
  readonly nonFinite: number;
}

/** n draws from q with their log ratios log p - log q, by batched value-only evaluations. */
function drawWithRatios(ld: LogDensity, family: Family, lambda: Float64Array, rng: Rng, n: number): { draws: Float64Array[]; logRatios: number[] } {
  const draws: Float64Array[] = [];
  const logRatios: number[] = [];
  for (let i = 0; i < n; i += BATCH) {
    const batch = family.draws(lambda, standardNormals(rng, Math.min(BATCH, n - i), family.dim));
    const lp = ld.valueBatch(batch.map((b) => b.theta));
    batch.forEach((b, k) => {
      draws.push(b.theta);
      logRatios.push(Number.isFinite(lp[k]) ? lp[k] - b.logq : -Infinity);
    });
  }
  return { draws, logRatios };
}

/**
 * The ELBO of q at lambda from n draws, its MCSE and the median log ratio (non-finite log densities count
 * as -Infinity: a q that reaches where the model is not finite is a worse q); for comparing two lambdas
 * on the same rng label (common random numbers). The median is the robust figure: a diverged q's mean
 * and MCSE are both dominated by a few draws far out.
 */
export function elboEstimate(ld: LogDensity, family: Family, lambda: Float64Array, rng: Rng, n: number): { elbo: number; mcse: number; median: number } {
  const { logRatios } = drawWithRatios(ld, family, lambda, rng, n);
  const m = logRatios.reduce((a, b) => a + b, 0) / n;
  const v = logRatios.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, n - 1);
  const sorted = Float64Array.from(logRatios).sort();
  return { elbo: m, mcse: Math.sqrt(v / n), median: 0.5 * (sorted[(n - 1) >> 1] + sorted[n >> 1]) };
}

/**
 * The report on the final q (vi-notes sec. 7.4): draws, the ELBO with its MCSE, and PSIS's k-hat on
 * the same draws (Yao et al. 2018). With reweighting, draws are added until the PSIS effective sample
 * size reaches minEss (as the Laplace engine does) or maxDraws is reached.
 */
export function finalDraws(ld: LogDensity, family: Family, lambda: Float64Array, rng: Rng,
  o: { readonly draws: number; readonly reweight: boolean; readonly minEss: number; readonly maxDraws: number }): FinalDraws {
  let { draws, logRatios } = drawWithRatios(ld, family, lambda, rng, o.draws);
  if (!logRatios.some(Number.isFinite)) {
    throw new InferenceError('E505', `variational inference failed: the log density is not finite at any of ${o.draws} draws from the fitted Gaussian`,
      'the optimizer diverged; try the default settings (no --vi-recipe, --init mode)');
  }
  let result = psis(Float64Array.from(logRatios));
  while (o.reweight && result.ess < o.minEss && draws.length < o.maxDraws) {
    const more = drawWithRatios(ld, family, lambda, rng, Math.min(draws.length, o.maxDraws - draws.length));
    draws = draws.concat(more.draws);
    logRatios = logRatios.concat(more.logRatios);
    result = psis(Float64Array.from(logRatios));
  }
  const finite = logRatios.filter(Number.isFinite);
  const m = finite.reduce((a, b) => a + b, 0) / finite.length;
  const v = finite.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, finite.length - 1);
  return { draws, psis: result, elbo: m + ld.constant, elboMcse: Math.sqrt(v / finite.length), nonFinite: logRatios.length - finite.length };
}
