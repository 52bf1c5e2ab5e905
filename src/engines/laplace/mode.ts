import type { LogDensity } from '../../core/log_density.js';
import { InferenceError } from '../../core/errors.js';
import { lbfgs, type LbfgsResult } from '../../math/lbfgs.js';

/** The gradient tolerance float32 can reach (tfjs-notes: the floor is near 1e-3 for curvature ~2,400). */
export const GRAD_TOL = 1e-3;

/** Maximises the log density with L-BFGS from theta0; the caller polishes with Newton steps. */
export function findMode(ld: LogDensity, theta0: Float64Array, maxIterations = 2000): LbfgsResult {
  const first = ld.valueAndGrad(theta0);
  if (!Number.isFinite(first.value)) {
    throw new InferenceError('E501', 'the log density is not finite at the starting point',
      'check that priors and constraints allow the starting values (all unconstrained parameters at 0)');
  }
  const res = lbfgs((x) => {
    const { value, grad } = ld.valueAndGrad(x);
    const g = new Float64Array(grad.length);
    for (let i = 0; i < g.length; i++) g[i] = -grad[i];
    return { value: Number.isFinite(value) ? -value : Infinity, grad: g };
  }, theta0, { maxIterations, gradTol: GRAD_TOL, relTol: 1e-12 });
  if (!Number.isFinite(res.value)) throw new InferenceError('E502', 'the optimizer did not find a finite log density');
  return res;
}
