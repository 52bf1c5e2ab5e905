import type { LogDensity, ValueAndGrad } from '../core/log_density.js';

/**
 * Curvature at least this large (a posterior sd below 1e-3 on the unconstrained scale) marks a coordinate
 * whose natural scale is far below the unit scale that Stan's initialisation (U(-2, 2)) and first metric
 * assume: a slope per unit of a covariate recorded in the millions, say. Below it, the unit scale is
 * left alone, as Stan leaves it.
 */
export const SCALE_CURVATURE = 1e6;

/** How far the difference step may reach into the coordinate's own scale (h sqrt(c)). */
const STEP_IN_SCALE = 1e-3;

/**
 * -d^2 log p / d theta_i^2 at theta, by central differences of the gradient with a step that adapts to
 * the coordinate's scale: a step where the density is not finite shrinks 1000-fold; a step large beside
 * the curvature it finds (h sqrt(c) > STEP_IN_SCALE) is redone inside that scale. NaN when no step works.
 */
function diagonalCurvature(ld: LogDensity, theta: Float64Array, i: number): number {
  let h = 1e-3;
  const at = new Float64Array(theta);
  const gradAt = (x: number): number => {
    at[i] = theta[i] + x;
    const { value, grad } = ld.valueAndGrad(at);
    return Number.isFinite(value) ? grad[i] : NaN;
  };
  for (let tries = 0; tries < 12; tries++) {
    const c = -(gradAt(h) - gradAt(-h)) / (2 * h);
    if (!Number.isFinite(c)) {
      h *= 1e-3;
      continue;
    }
    if (c > 0 && h * Math.sqrt(c) > STEP_IN_SCALE) {
      h = (0.1 * STEP_IN_SCALE) / Math.sqrt(c);
      continue;
    }
    return c;
  }
  return NaN;
}

/**
 * The curvature of coordinate i at its own conditional mode, the other coordinates held at theta: Newton
 * steps along the coordinate, halved until the density rises. NaN when the coordinate has no conditional
 * mode within reach (the density keeps rising, or is not concave there).
 */
function conditionalCurvature(ld: LogDensity, theta: Float64Array, i: number): number {
  const at = new Float64Array(theta);
  const valueAt = (x: number): number => {
    at[i] = x;
    return ld.valueAndGrad(at).value;
  };
  let x = theta[i];
  for (let iter = 0; iter < 50; iter++) {
    at[i] = x;
    const { value, grad } = ld.valueAndGrad(at);
    const c = diagonalCurvature(ld, at, i);
    if (!(c > 0) || !Number.isFinite(value)) return NaN;
    let step = grad[i] / c;
    if (Math.abs(step) * Math.sqrt(c) < 1e-3) return c;
    let halvings = 0;
    while (!(valueAt(x + step) >= value) && halvings++ < 40) step /= 2;
    if (halvings > 40) return NaN;
    x += step;
  }
  return NaN;
}

/**
 * A scale per theta coordinate: 1 (Stan's unit scale) except where the coordinate's curvature at its
 * conditional mode, from the centre of every prior (theta = 0), exceeds SCALE_CURVATURE; there it is
 * 1 / sqrt(that curvature), the coordinate's conditional sd. The curvature at 0 alone would mislead where
 * the mode is far from 0 (a rate times a large offset, a log sd of data in the hundreds), so only the
 * coordinates steep at 0 are followed to their conditional mode, and a coordinate without one keeps 1.
 * Undefined when every scale is 1 or the log density is not finite at 0. Costs a few gradients per
 * coordinate, a few dozen per steep one.
 */
export function curvatureScales(ld: LogDensity): Float64Array | undefined {
  const zero = new Float64Array(ld.dim);
  if (!Number.isFinite(ld.valueAndGrad(zero).value)) return undefined;
  const scales = new Float64Array(ld.dim).fill(1);
  let any = false;
  for (let i = 0; i < ld.dim; i++) {
    if (!(diagonalCurvature(ld, zero, i) > SCALE_CURVATURE)) continue;
    const c = conditionalCurvature(ld, zero, i);
    if (c > SCALE_CURVATURE) {
      scales[i] = 1 / Math.sqrt(c);
      any = true;
    }
  }
  return any ? scales : undefined;
}

/**
 * The same density in theta' = theta / scales (a constant diagonal change of variable, whose log-Jacobian
 * sum(log scales) goes into `constant`): an engine run in theta' sees every coordinate at about unit scale,
 * and its answer maps back by theta = scales * theta'. Only value, gradient and the constraint maps are
 * carried over; the sparse-Hessian hooks are not (the engines that use them need no rescaling).
 */
export function scaledDensity(ld: LogDensity, scales: Float64Array): LogDensity {
  const dim = ld.dim;
  const toTheta = (t: Float64Array): Float64Array => {
    const out = new Float64Array(dim);
    for (let i = 0; i < dim; i++) out[i] = scales[i] * t[i];
    return out;
  };
  const scaleGrad = (g: Float64Array): Float64Array => {
    const out = new Float64Array(dim);
    for (let i = 0; i < dim; i++) out[i] = scales[i] * g[i];
    return out;
  };
  const mapped = (r: ValueAndGrad): ValueAndGrad => ({ value: r.value, grad: scaleGrad(r.grad) });
  let logJacobian = 0;
  for (let i = 0; i < dim; i++) logJacobian += Math.log(scales[i]);
  const buffer = new Float64Array(dim);
  return {
    dim,
    thetaNames: ld.thetaNames,
    names: ld.names,
    latent: [],
    constant: ld.constant + logJacobian,
    rows: ld.rows,
    valueAndGrad: (t) => mapped(ld.valueAndGrad(toTheta(t))),
    valueAndGradInto(t, grad) {
      for (let i = 0; i < dim; i++) buffer[i] = scales[i] * t[i];
      const value = ld.valueAndGradInto ? ld.valueAndGradInto(buffer, grad) : copyInto(ld.valueAndGrad(buffer), grad);
      for (let i = 0; i < dim; i++) grad[i] *= scales[i];
      return value;
    },
    valueAndGradBatch: (ts) => ld.valueAndGradBatch(ts.map(toTheta)).map(mapped),
    valueBatch: (ts) => ld.valueBatch(ts.map(toTheta)),
    constrain: (t) => ld.constrain(toTheta(t)),
    unconstrain: (values) => Float64Array.from(ld.unconstrain(values), (v, i) => v / scales[i]),
    explainNonFinite: ld.explainNonFinite ? (t) => ld.explainNonFinite!(toTheta(t)) : undefined,
    dispose: () => {},
  };
}

function copyInto(r: ValueAndGrad, grad: Float64Array): number {
  grad.set(r.grad);
  return r.value;
}
