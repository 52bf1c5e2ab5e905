import type { LogDensity } from '../../core/log_density.js';

/** Central-difference step: the best trade-off for float32 gradients (tfjs-notes: sd error 3e-5 at h = 1e-2). */
export const FD_STEP = 1e-2;
const BATCH = 16;

/**
 * The Hessian of the log density at theta by central differences of exact gradients, in float64:
 * 2 * dim gradient evaluations, batched. Symmetrised. Nested autodiff is not used: tfjs's second
 * derivatives are silently wrong through exp.
 */
export function hessianFD(ld: LogDensity, theta: Float64Array, h = FD_STEP): Float64Array[] {
  const d = ld.dim;
  const points: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    for (const s of [h, -h]) {
      const p = Float64Array.from(theta);
      p[j] += s;
      points.push(p);
    }
  }
  const grads: Float64Array[] = [];
  for (let i = 0; i < points.length; i += BATCH) {
    for (const r of ld.valueAndGradBatch(points.slice(i, i + BATCH))) grads.push(r.grad);
  }
  const H = Array.from({ length: d }, () => new Float64Array(d));
  for (let j = 0; j < d; j++) {
    const gp = grads[2 * j];
    const gm = grads[2 * j + 1];
    for (let i = 0; i < d; i++) H[i][j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (H[i][j] + H[j][i]);
      H[i][j] = m;
      H[j][i] = m;
    }
  }
  return H;
}
