import type { Rng } from '../../core/rng.js';
import { paretoKThreshold, psis } from '../../diagnostics/psis.js';
import { logSumExp } from '../../math/special.js';
import type { Field } from './field.js';
import type { MarginalPoint } from './marginal.js';
import { constantRatios, latentRatios } from './quality.js';

/**
 * The Laplace marginal L(phi) checked, and corrected, by importance sampling at each grid point.
 *
 * L(phi) approximates log p(y, phi) = log integral p(y, x, phi) dx by the Gaussian q at x's conditional
 * mode. Where the likelihood is far from Gaussian in x (binary data with one or two rows per group, the
 * classic case: Breslow & Lin 1995), the error of L grows with the scale of the random effects, so a grid
 * weighted by L puts the scales too low although q looks fine at any one phi. Importance sampling with q
 * as the proposal estimates the integral itself,
 *   log p(y, phi) ~ log mean_s exp(log p(y, x_s, phi) - log q(x_s)),   x_s ~ q,
 * and its difference from L(phi), delta(phi), corrects the point's log weight (INLA's corrected Laplace
 * and the importance-sampled Laplace of Stan's embedded Laplace work in the same spirit). Pareto k-hat of
 * the point's ratios says whether the estimate can be trusted. A Gaussian likelihood needs no check: q is
 * exact there.
 */
export interface PointCheck {
  /** log p(y, phi) estimated by importance sampling, minus L(phi). */
  readonly delta: number;
  readonly khat: number;
  readonly draws: number;
}

/** Draws per point: delta's Monte Carlo sd is about CV / sqrt(S) of the ratios, a few hundredths when k-hat is low. */
export const CHECK_DRAWS = 128;
/** A point whose k-hat is above the threshold of 128 draws is checked again with this many. */
const MORE_DRAWS = 512;
const MORE_DRAWS_MAX_FIELD = 100;

export type PointChecker = (point: MarginalPoint, index: number) => PointCheck | undefined;

/** The checker the grid calls at each point it keeps; undefined where the model needs none (q exact). */
export function marginalChecker(field: Field, rng: Rng): PointChecker | undefined {
  if (field.hessian.constantInX || field.x.length === 0) return undefined;
  return (point, index) => {
    const first = checkPoint(field, point, rng.child(index), CHECK_DRAWS);
    // More draws sharpen k-hat and delta in a small field; in a large one (hundreds of effects) the
    // ratios' tail is heavy because of the dimension itself and four times the draws change little.
    if (!first || first.khat <= paretoKThreshold(CHECK_DRAWS) || field.x.length > MORE_DRAWS_MAX_FIELD) return first;
    return checkPoint(field, point, rng.child(`${index}+`), MORE_DRAWS) ?? first;
  };
}

function checkPoint(field: Field, point: MarginalPoint, rng: Rng, n: number): PointCheck | undefined {
  const { ratios } = latentRatios(field, point.inner, rng, n);
  if (!ratios.some((r) => r > -Infinity)) return undefined;
  // Ratios equal up to rounding (a likelihood Gaussian in x that the compiler did not mark so): q is
  // exact, and PSIS's tail fit to rounding noise would report k-hat Infinity.
  if (constantRatios(ratios) !== undefined) return { delta: logSumExp(ratios) - Math.log(n) - point.value, khat: 0, draws: n };
  // The smoothed mean: a heavy tail (a field of hundreds of effects) makes the raw mean's estimate of
  // log p(y, phi) jump with its largest ratio, and a point with a spuriously high one would pull the
  // grid outwards; PSIS replaces the tail by its fitted quantiles and truncates it.
  const r = psis(ratios);
  return { delta: r.logMeanRatio - point.value, khat: r.khat, draws: n };
}

/** What the checks found over the grid, weighted by the corrected weights. */
export interface CorrectionSummary {
  readonly checkedPoints: number;
  readonly maxKhat: number;
  /** Posterior mass (corrected weights) at points whose k-hat is above its threshold. */
  readonly unreliableMass: number;
  /** Per outer coordinate, how far the correction moved the posterior mean of phi, in phi's sd before. */
  readonly shift: Float64Array;
}

export function summariseCorrection(points: readonly { phi: Float64Array; check?: PointCheck }[], before: Float64Array, after: Float64Array): CorrectionSummary {
  let maxKhat = -Infinity;
  let unreliableMass = 0;
  let checkedPoints = 0;
  points.forEach((pt, k) => {
    if (!pt.check) return;
    checkedPoints++;
    maxKhat = Math.max(maxKhat, pt.check.khat);
    if (pt.check.khat > paretoKThreshold(pt.check.draws)) unreliableMass += after[k];
  });
  const p = points[0]?.phi.length ?? 0;
  const shift = Float64Array.from({ length: p }, (_, c) => {
    let m0 = 0;
    let m1 = 0;
    points.forEach((pt, k) => {
      m0 += before[k] * pt.phi[c];
      m1 += after[k] * pt.phi[c];
    });
    let v0 = 0;
    points.forEach((pt, k) => (v0 += before[k] * (pt.phi[c] - m0) ** 2));
    return v0 > 0 ? Math.abs(m1 - m0) / Math.sqrt(v0) : 0;
  });
  return { checkedPoints, maxKhat, unreliableMass, shift };
}
