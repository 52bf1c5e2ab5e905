import type { PointPool } from './point_pool.js';
/**
 * The generalised no-U-turn criterion (Betancourt 2013; 2017, App. A), as Stan's compute_criterion: a span of
 * states keeps going while the summed momentum rho still points along the velocity at both of its ends,
 * v_minus . rho > 0 and v_plus . rho > 0. With M^-1 in the velocities it is the criterion in the metric the
 * sampler uses, so it is invariant to the linear rescaling that warm-up applies.
 */
export function noUTurn(vMinus: Float64Array, vPlus: Float64Array, rho: Float64Array): boolean {
  return noUTurnOfSum(vMinus, vPlus, rho, undefined);
}

/** noUTurn with rho = r1 + r2, without forming the sum (this runs at every merge of every tree). */
function noUTurnOfSum(vMinus: Float64Array, vPlus: Float64Array, r1: Float64Array, r2: Float64Array | undefined): boolean {
  let a = 0;
  let b = 0;
  for (let i = 0; i < r1.length; i++) {
    const r = r2 === undefined ? r1[i] : r1[i] + r2[i];
    a += vPlus[i] * r;
    b += vMinus[i] * r;
  }
  return a > 0 && b > 0;
}

/** Momentum sum of two spans (from `pool` when given). */
export function addVec(a: Float64Array, b: Float64Array, pool?: PointPool): Float64Array {
  const out = pool ? pool.vector() : new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** One end of a span: its momentum and velocity. */
export interface End {
  readonly p: Float64Array;
  readonly v: Float64Array;
}

/**
 * Whether the merge of two adjacent spans A (earlier in time) and B (later), with momentum sums rhoA and
 * rhoB and end states firstA, lastA, firstB, lastB, may continue: the whole span (i), and the two spans
 * each extended by the neighbouring state of the other (ii, iii). (ii) and (iii) catch U-turns that
 * straddle the seam between the halves, which the whole-span check misses on near-iid targets
 * (stan-dev/stan #2799, PR #2800, Stan 2.21). Plain arguments, not a record: this runs at every merge.
 */
export function mergeContinues(rhoA: Float64Array, firstA: End, lastA: End, rhoB: Float64Array, firstB: End, lastB: End): boolean {
  return noUTurnOfSum(firstA.v, lastB.v, rhoA, rhoB)
    && noUTurnOfSum(firstA.v, firstB.v, rhoA, firstB.p)
    && noUTurnOfSum(lastA.v, lastB.v, rhoB, lastA.p);
}
