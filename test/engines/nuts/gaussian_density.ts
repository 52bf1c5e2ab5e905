import type { LogDensity, ValueAndGrad } from '../../../src/core/log_density.js';

/**
 * An exact float64 Gaussian log density N(mean, cov) through the engine interface, for tests whose answer
 * is known in closed form. The precision matrix is given; cov is what the draws should reproduce.
 */
export function gaussianDensity(mean: readonly number[], precision: readonly (readonly number[])[]): LogDensity {
  const d = mean.length;
  const valueAndGrad = (q: Float64Array): ValueAndGrad => {
    const grad = new Float64Array(d);
    let value = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += precision[i][j] * (q[j] - mean[j]);
      grad[i] = -s;
      value -= 0.5 * (q[i] - mean[i]) * s;
    }
    return { value, grad };
  };
  const names = mean.map((_, i) => `x[${i + 1}]`);
  return {
    dim: d, names, thetaNames: names, latent: [], constant: 0, valueAndGrad,
    valueAndGradBatch: (thetas) => thetas.map(valueAndGrad),
    valueBatch: (thetas) => Float64Array.from(thetas, (q) => valueAndGrad(q).value),
    constrain: (q) => Float64Array.from(q),
    unconstrain: (v) => Float64Array.from(v),
    dispose: () => undefined,
  };
}

/** Independent normals with the given means and sds (O(d) per evaluation). */
export function diagonalGaussian(mean: readonly number[], sd: readonly number[]): LogDensity {
  const dense = gaussianDensity([0], [[1]]);
  const valueAndGrad = (q: Float64Array): ValueAndGrad => {
    const grad = new Float64Array(mean.length);
    let value = 0;
    for (let i = 0; i < mean.length; i++) {
      const z = (q[i] - mean[i]) / sd[i];
      grad[i] = -z / sd[i];
      value -= 0.5 * z * z;
    }
    return { value, grad };
  };
  const names = mean.map((_, i) => `x[${i + 1}]`);
  return {
    ...dense, dim: mean.length, names, thetaNames: names, valueAndGrad,
    valueAndGradBatch: (thetas) => thetas.map(valueAndGrad),
    valueBatch: (thetas) => Float64Array.from(thetas, (q) => valueAndGrad(q).value),
  };
}

/** The 2-D Gaussian with sds s1, s2 and correlation rho. */
export function correlatedGaussian2(mean: readonly [number, number], s1: number, s2: number, rho: number): LogDensity {
  const det = s1 * s1 * s2 * s2 * (1 - rho * rho);
  return gaussianDensity(mean, [[(s2 * s2) / det, (-rho * s1 * s2) / det], [(-rho * s1 * s2) / det, (s1 * s1) / det]]);
}
