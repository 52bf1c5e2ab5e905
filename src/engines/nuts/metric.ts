import { InferenceError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { cholesky } from '../../math/cholesky.js';
import { solveLowerT } from '../../math/triangular.js';

/**
 * The Euclidean metric of the kinetic energy K(p) = p' M^-1 p / 2, held by its inverse M^-1 (which warm-up
 * estimates as the posterior covariance). Stan's diag_e / dense_e metrics.
 */
export interface Metric {
  readonly kind: 'diag' | 'dense';
  /** M^-1: the diagonal, or the full matrix row by row. */
  readonly inverse: Float64Array | readonly Float64Array[];
  /** p ~ N(0, M). */
  sampleMomentum(rng: Rng): Float64Array;
  /** The same draw, written into `out`. */
  sampleMomentumInto(rng: Rng, out: Float64Array): void;
  /** The "sharp" momentum p# = M^-1 p = dK/dp: the velocity of q. */
  velocity(p: Float64Array): Float64Array;
  /** The same, written into `out` (the leapfrog step allocates once per step: see integrator.ts). */
  velocityInto(p: Float64Array, out: Float64Array): void;
}

/** p' M^-1 p / 2 given p and its velocity M^-1 p. */
export function kineticEnergy(p: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * v[i];
  return 0.5 * s;
}

// Plain loops rather than TypedArray.prototype.map: these run at every leapfrog step, and V8's typed-array
// map with a closure costs about as much as the ZEB2 gradient itself.
export function diagMetric(invDiag: Float64Array): Metric {
  const d = invDiag.length;
  const sdP = new Float64Array(d);
  for (let i = 0; i < d; i++) sdP[i] = 1 / Math.sqrt(invDiag[i]);
  return {
    kind: 'diag',
    inverse: invDiag,
    sampleMomentum(rng) {
      const p = new Float64Array(d);
      this.sampleMomentumInto(rng, p);
      return p;
    },
    sampleMomentumInto(rng, out) {
      for (let i = 0; i < d; i++) out[i] = sdP[i] * rng.normal();
    },
    velocity(p) {
      const v = new Float64Array(d);
      this.velocityInto(p, v);
      return v;
    },
    velocityInto(p, out) {
      for (let i = 0; i < d; i++) out[i] = p[i] * invDiag[i];
    },
  };
}

/**
 * Dense metric: with M^-1 = L L', p = L'^-1 z for z ~ N(0, I) has covariance (L L')^-1 = M, as Stan's
 * dense_e_metric draws it (an upper-triangular solve, no inverse formed).
 */
export function denseMetric(inv: readonly Float64Array[]): Metric {
  const d = inv.length;
  const { L, positiveDefinite } = cholesky(inv);
  if (!positiveDefinite) throw new InferenceError('E512', 'the adapted dense metric is not positive definite');
  return {
    kind: 'dense',
    inverse: inv,
    sampleMomentum(rng) {
      return solveLowerT(L, Float64Array.from({ length: d }, () => rng.normal()));
    },
    sampleMomentumInto(rng, out) {
      out.set(this.sampleMomentum(rng));
    },
    velocity(p) {
      const v = new Float64Array(d);
      this.velocityInto(p, v);
      return v;
    },
    velocityInto(p, out) {
      for (let i = 0; i < d; i++) {
        const row = inv[i];
        let s = 0;
        for (let j = 0; j < d; j++) s += row[j] * p[j];
        out[i] = s;
      }
    },
  };
}

/** The starting metric: unit diagonal, as in Stan. */
export function unitMetric(dim: number, dense: boolean): Metric {
  if (!dense) return diagMetric(new Float64Array(dim).fill(1));
  return denseMetric(Array.from({ length: dim }, (_, i) => Float64Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0))));
}
