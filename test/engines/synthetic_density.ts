import type { LogDensity, ValueAndGrad } from '../../src/core/log_density.js';

/** A log density from a plain function of theta, for engine tests that need a shape no model file gives. */
export function densityFrom(dim: number, valueAndGrad: (theta: Float64Array) => ValueAndGrad): LogDensity {
  const names = Array.from({ length: dim }, (_, i) => `x[${i + 1}]`);
  return {
    dim, names, thetaNames: names, latent: [], constant: 0, valueAndGrad,
    valueAndGradBatch: (thetas) => thetas.map(valueAndGrad),
    valueBatch: (thetas) => Float64Array.from(thetas, (t) => valueAndGrad(t).value),
    constrain: (t) => Float64Array.from(t),
    unconstrain: (v) => Float64Array.from(v),
    dispose: () => undefined,
  };
}
