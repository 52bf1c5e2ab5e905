import type { LogDensity, ValueAndGrad } from '../core/log_density.js';

/**
 * The sum of two densities over the same theta: the tfjs graph for the row terms (where it is fast)
 * and float64 JS for the parameter-level terms (priors and Jacobians: a few dozen values that would
 * cost ~100 tfjs kernels of fixed overhead, and that float64 gets exactly).
 */
export function sumLogDensities<A extends LogDensity>(rows: A, params: LogDensity): A {
  const add = (a: readonly ValueAndGrad[], b: readonly ValueAndGrad[]): ValueAndGrad[] =>
    a.map((x, k) => ({ value: x.value + b[k].value, grad: x.grad.map((g, i) => g + b[k].grad[i]) }));
  return {
    ...rows,
    constant: rows.constant + params.constant,
    valueAndGrad: (theta: Float64Array) => add([rows.valueAndGrad(theta)], [params.valueAndGrad(theta)])[0],
    valueAndGradBatch: (thetas: readonly Float64Array[]) => add(rows.valueAndGradBatch(thetas), params.valueAndGradBatch(thetas)),
    valueBatch: (thetas: readonly Float64Array[]) => {
      const a = rows.valueBatch(thetas);
      const b = params.valueBatch(thetas);
      return a.map((v, k) => v + b[k]);
    },
    dispose: () => {
      rows.dispose();
      params.dispose();
    },
  };
}
