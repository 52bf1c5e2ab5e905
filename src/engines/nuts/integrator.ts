import type { LogDensity } from '../../core/log_density.js';
import { kineticEnergy, type Metric } from './metric.js';
import { PooledPoint, type PointPool } from './point_pool.js';

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

/** The log density at q with its gradient written into `grad` (no allocation where the log density allows it). */
function evaluateInto(ld: LogDensity, q: Float64Array, grad: Float64Array): number {
  let value: number;
  if (ld.valueAndGradInto) {
    value = ld.valueAndGradInto(q, grad);
  } else {
    const r = ld.valueAndGrad(q);
    grad.set(r.grad);
    value = r.value;
  }
  return Number.isFinite(value) ? value : -Infinity;
}

/**
 * One leapfrog step of size eps (negative: backwards in time), Stan's expl_leapfrog: half a kick, a drift
 * with the velocity M^-1 p, half a kick. Symplectic and reversible, so the energy error stays bounded
 * instead of drifting; everything in float64.
 *
 * The new point comes from `pool` when given (its arrays reused from one transition to the next: see
 * point_pool.ts), and p and v hold the half-step values until the second kick overwrites them. Nothing
 * else sees the point before it is returned.
 */
export function leapfrog(ld: LogDensity, metric: Metric, z: PhasePoint, eps: number, pool?: PointPool): PhasePoint {
  const d = z.q.length;
  const half = 0.5 * eps;
  const out = pool ? pool.point() : new PooledPoint(d);
  const { q, p, v, grad } = out;
  for (let i = 0; i < d; i++) p[i] = z.p[i] + half * z.grad[i];
  metric.velocityInto(p, v);
  for (let i = 0; i < d; i++) q[i] = z.q[i] + eps * v[i];
  const logp = evaluateInto(ld, q, grad);
  for (let i = 0; i < d; i++) p[i] += half * grad[i];
  metric.velocityInto(p, v);
  out.logp = logp;
  out.H = hamiltonian(logp, p, v);
  return out;
}
