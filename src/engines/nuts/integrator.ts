import type { LogDensity } from '../../core/log_density.js';
import { kineticEnergy, type Metric } from './metric.js';

/** A position with its log density and gradient: what a transition carries from one iteration to the next. */
export interface Position {
  readonly q: Float64Array;
  readonly logp: number;
  readonly grad: Float64Array;
}

/** A point of phase space (Stan's ps_point) with everything the trajectory needs of it. */
export interface PhasePoint extends Position {
  readonly p: Float64Array;
  /** M^-1 p. */
  readonly v: Float64Array;
  /** H = -log p(q) + K(p), +Infinity where the log density is not finite (Stan maps NaN to +inf). */
  readonly H: number;
}

export function hamiltonian(logp: number, p: Float64Array, v: Float64Array): number {
  const H = -logp + kineticEnergy(p, v);
  return Number.isNaN(H) ? Infinity : H;
}

export function phasePoint(pos: Position, p: Float64Array, metric: Metric): PhasePoint {
  const v = metric.velocity(p);
  return { q: pos.q, logp: pos.logp, grad: pos.grad, p, v, H: hamiltonian(pos.logp, p, v) };
}

/** The log density and gradient at q, with a non-finite value reported as -Infinity. */
export function evaluate(ld: LogDensity, q: Float64Array): Position {
  const { value, grad } = ld.valueAndGrad(q);
  return { q, logp: Number.isFinite(value) ? value : -Infinity, grad };
}

/**
 * One leapfrog step of size eps (negative: backwards in time), Stan's expl_leapfrog: half a kick, a drift
 * with the velocity M^-1 p, half a kick. Symplectic and reversible, so the energy error stays bounded
 * instead of drifting; everything in float64.
 *
 * The new point's q, p and v share one allocation, and p and v hold the half-step values until the second
 * kick overwrites them: small typed arrays cost ~0.4 us each to allocate in V8, which with five per step
 * was as much as the ZEB2 gradient. Nothing else sees the point before it is returned.
 */
export function leapfrog(ld: LogDensity, metric: Metric, z: PhasePoint, eps: number, slab?: Slab): PhasePoint {
  const d = z.q.length;
  const half = 0.5 * eps;
  const buf = slab ? slab.take(3 * d) : new Float64Array(3 * d);
  const q = buf.subarray(0, d);
  const p = buf.subarray(d, 2 * d);
  const v = buf.subarray(2 * d);
  for (let i = 0; i < d; i++) p[i] = z.p[i] + half * z.grad[i];
  metric.velocityInto(p, v);
  for (let i = 0; i < d; i++) q[i] = z.q[i] + eps * v[i];
  const pos = evaluate(ld, q);
  for (let i = 0; i < d; i++) p[i] += half * pos.grad[i];
  metric.velocityInto(p, v);
  return { q, logp: pos.logp, grad: pos.grad, p, v, H: hamiltonian(pos.logp, p, v) };
}

/**
 * Scratch arrays for one NUTS transition: views on one buffer, handed out in turn and all released at the
 * next transition's start. A transition makes tens to hundreds of small arrays (three per leapfrog step,
 * one per merge); V8 allocates each typed array of over 64 bytes off the heap, at about a microsecond,
 * which on ZEB2 cost as much as the tree building itself. Nothing taken may outlive the transition:
 * its result is copied out.
 */
export class Slab {
  private buf = new Float64Array(1 << 14);
  private at = 0;

  take(n: number): Float64Array {
    if (this.at + n > this.buf.length) {
      // Arrays already handed out keep the old buffer alive; the new one serves the rest of the transition.
      this.buf = new Float64Array(Math.max(2 * this.buf.length, n));
      this.at = 0;
    }
    const view = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return view;
  }

  reset(): void {
    this.at = 0;
  }
}
