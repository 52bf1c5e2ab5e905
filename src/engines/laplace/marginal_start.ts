import type { LogDensity } from '../../core/log_density.js';
import { lbfgs } from '../../math/lbfgs.js';
import { assemble, type Split } from './marginal_inner.js';

/**
 * A starting point for the outer optimisation, in the spirit of lme4's GLM start.
 *
 * From theta = 0 the outer problem has a ridge: with the fixed effects at 0 the random effects absorb
 * the intercepts (u-hat near -9 for ZEB2), which L rewards by a large variance, and L-BFGS crawls
 * along it for a hundred iterations. So first the fixed effects and u are fitted jointly with the
 * variance parameters held at 0 (sd 1): a penalised GLM, cheap because it needs no inner solves.
 *
 * Which outer coordinates are variance parameters is read off the curvature at u = 0: a scale of a
 * zero-mean Normal prior on u has d2 log N(u | 0, s) / ds du = u / s^2 ... = 0 there, while a
 * coefficient of the linear predictor shares the likelihood's curvature with u. Holding those
 * coordinates fixed also keeps the joint fit bounded (a variance free to go to 0 would make f
 * unbounded, since log N(0 | 0, s) grows without limit as s -> 0).
 */
export function startingPoint(ld: LogDensity, split: Split, theta0: Float64Array): { phi: Float64Array; u: Float64Array; free: number[] } {
  const p = split.outer.length;
  const q = split.latent.length;
  const phi0 = Float64Array.from(split.outer, (i) => theta0[i]);
  const zero = { phi: phi0, u: Float64Array.from(split.latent, (i) => theta0[i]), free: [] as number[] };
  if (p === 0 || q === 0) return zero;
  const free = coupledCoordinates(ld, split, theta0);
  if (free.length === 0) return zero;
  // Joint coordinates: the free outer ones, then u.
  const place = (x: Float64Array): Float64Array => {
    const phi = Float64Array.from(phi0);
    free.forEach((k, a) => (phi[k] = x[a]));
    return assemble(split, phi, x.subarray(free.length));
  };
  const joint = [...free.map((k) => split.outer[k]), ...split.latent];
  try {
    const res = lbfgs((x) => {
      const r = ld.valueAndGrad(place(x));
      return { value: Number.isFinite(r.value) ? -r.value : Infinity, grad: Float64Array.from(joint, (i) => -r.grad[i]) };
    }, Float64Array.from(joint, (i) => theta0[i]), { maxIterations: 500, gradTol: 1e-6, relTol: 1e-12 });
    if (!Number.isFinite(res.value)) return zero;
    const phi = Float64Array.from(phi0);
    free.forEach((k, a) => (phi[k] = res.x[a]));
    return { phi, u: Float64Array.from(res.x.subarray(free.length)), free };
  } catch {
    return zero;
  }
}

/** Outer coordinates (indices into split.outer) whose curvature with u at theta0 (normally 0) is not zero. */
function coupledCoordinates(ld: LogDensity, split: Split, theta0: Float64Array): number[] {
  const h = 1e-4;
  const points = split.outer.flatMap((i) => [h, -h].map((s) => {
    const t = Float64Array.from(theta0);
    t[i] += s;
    return t;
  }));
  const out = ld.valueAndGradBatch(points);
  const coupling = split.outer.map((_, k) =>
    split.latent.reduce((m, j) => Math.max(m, Math.abs(out[2 * k].grad[j] - out[2 * k + 1].grad[j]) / (2 * h)), 0));
  const top = Math.max(...coupling);
  if (!(top > 0) || !Number.isFinite(top)) return [];
  return coupling.flatMap((c, k) => (c > 1e-8 * top ? [k] : []));
}
