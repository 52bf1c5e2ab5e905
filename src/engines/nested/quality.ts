import type { Rng } from '../../core/rng.js';
import { paretoKThreshold, psis, psisTailLength, type PsisResult } from '../../diagnostics/psis.js';
import { assemble, type Field } from './field.js';
import { meanShift, type InnerSolution } from './inner.js';

const BATCH = 64;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Draws of x ~ N(x-hat, H^-1) at one phi with their log ratios log p(x, phi) - log q(x). */
export interface LatentCheck {
  readonly psis: PsisResult;
  readonly draws: Float64Array[];
  readonly logRatios: Float64Array;
}

/**
 * How Gaussian the latent field is given the hyperparameters, at one phi (the mode): PSIS's Pareto k-hat
 * of the exact joint density against the Laplace Gaussian (Vehtari et al. 2024). This is where the
 * nested approximation can fail (a Bernoulli GLMM with few rows per group, separation under a weak
 * prior); the integration over phi is checked by the grid itself.
 */
export function checkLatent(field: Field, inner: InnerSolution, rng: Rng, n: number): LatentCheck {
  const { draws, ratios } = latentRatios(field, inner, rng, n);
  // Constant ratios: the Gaussian is exact (a Gaussian likelihood, linear in x). PSIS's tail fit is
  // degenerate there; the weights are uniform and k-hat is 0.
  const hi = constantRatios(ratios);
  if (hi !== undefined) {
    const exact = { khat: 0, logWeights: new Float64Array(n).fill(-Math.log(n)), ess: n, tailLength: psisTailLength(n), threshold: paretoKThreshold(n), logMeanRatio: hi };
    return { psis: exact, draws, logRatios: ratios };
  }
  return { psis: psis(ratios), draws, logRatios: ratios };
}

/**
 * n draws of x ~ N(x-hat + shift, H^-1) at inner's phi (the mixture's Gaussian there: the mode moved by
 * the skewness correction), assembled into theta, with their log ratios log p(x, phi) - log q(x).
 */
export function latentRatios(field: Field, inner: InnerSolution, rng: Rng, n: number): { draws: Float64Array[]; ratios: Float64Array } {
  const { factor, phi } = inner;
  const shift = meanShift(field, inner);
  const x = inner.x.map((v, k) => v + shift[k]);
  const m = x.length;
  const logNorm = 0.5 * factor.logDet - m * HALF_LOG_2PI;
  const draws: Float64Array[] = [];
  const ratios = new Float64Array(n);
  for (let i = 0; i < n; i += BATCH) {
    const batch: Float64Array[] = [];
    const logq: number[] = [];
    for (let b = 0; b < Math.min(BATCH, n - i); b++) {
      const eps = Float64Array.from(x, () => rng.normal());
      const dx = factor.drawFromStandard(eps);
      batch.push(assemble(field, phi, Float64Array.from(x, (v, k) => v + dx[k])));
      logq.push(logNorm - 0.5 * eps.reduce((s, e) => s + e * e, 0));
    }
    const lp = field.ld.valueBatch(batch);
    batch.forEach((t, b) => {
      draws.push(t);
      ratios[i + b] = Number.isFinite(lp[b]) ? lp[b] - logq[b] : -Infinity;
    });
  }
  return { draws, ratios };
}

/** The largest ratio when all are finite and equal up to rounding (q exact), else undefined. */
export function constantRatios(ratios: Float64Array): number | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of ratios) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  return Number.isFinite(lo) && hi - lo < 1e-8 * (1 + Math.abs(hi)) ? hi : undefined;
}

