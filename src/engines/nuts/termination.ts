import type { Slab } from './integrator.js';
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

/** Momentum sum of two spans (in `slab` when given: see integrator.ts). */
export function addVec(a: Float64Array, b: Float64Array, slab?: Slab): Float64Array {
  const out = slab ? slab.take(a.length) : new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** One end of a span: its momentum and velocity. */
export interface End {
  readonly p: Float64Array;
  readonly v: Float64Array;
}

/** Two adjacent spans A (earlier in time) and B (later), with their momentum sums and end states. */
export interface Spans {
  readonly rhoA: Float64Array;
  readonly firstA: End;
  readonly lastA: End;
  readonly rhoB: Float64Array;
  readonly firstB: End;
  readonly lastB: End;
}

/**
 * Whether the merge of A and B may continue: the whole span (i), and the two spans each extended by the
 * neighbouring state of the other (ii, iii). (ii) and (iii) catch U-turns that straddle the seam between
 * the halves, which the whole-span check misses on near-iid targets (stan-dev/stan #2799, PR #2800, Stan 2.21).
 */
export function mergeContinues(s: Spans): boolean {
  return noUTurnOfSum(s.firstA.v, s.lastB.v, s.rhoA, s.rhoB)
    && noUTurnOfSum(s.firstA.v, s.firstB.v, s.rhoA, s.firstB.p)
    && noUTurnOfSum(s.lastA.v, s.lastB.v, s.rhoB, s.lastA.p);
}
