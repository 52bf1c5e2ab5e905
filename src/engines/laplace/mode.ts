import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { InferenceError } from '../../core/errors.js';
import { lbfgs, type LbfgsResult } from '../../math/lbfgs.js';
import { initialPoint } from '../init_point.js';
import { gaussianFromPrecision, type Gaussian } from './gaussian.js';
import { polishMode, type Polished } from './newton.js';
import { checkMode } from './proper.js';

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

export interface ModeFit {
  readonly opt: LbfgsResult;
  readonly polished: Polished;
  /** -H at the mode, and the Gaussian with it as precision. */
  readonly precision: Float64Array[];
  readonly gaussian: Gaussian;
}

/**
 * The mode and the Gaussian there, as the Laplace engine and VI's start need them: a start at theta = 0
 * (or, where the log density is not finite there, a seeded random one: init_point.ts), L-BFGS, Newton
 * polish in float64, then a look far along the flattest direction (proper.ts) so that an improper
 * posterior is reported instead of a Gaussian with an sd of 10^7.
 */
export function gaussianAtMode(ld: LogDensity, rng: Rng): ModeFit {
  // A float32 density does the bulk of the climb; its float64 twin finishes it and gives the curvature,
  // because float32 noise stops L-BFGS early on weakly identified ridges.
  const exact = ld.float64Twin?.() ?? ld;
  try {
    const start = initialPoint(ld, rng.child('init'), { first: new Float64Array(ld.dim) });
    const rough = findMode(ld, start.theta);
    const opt = exact === ld ? rough : findMode(exact, rough.x);
    const polished = polishMode(exact, opt.x);
    const precision = polished.hessian.map((r) => r.map((v) => -v));
    checkMode(exact, polished.theta, exact.valueAndGrad(polished.theta).value, precision);
    return { opt, polished, precision, gaussian: gaussianFromPrecision(polished.theta, precision, ld.thetaNames) };
  } finally {
    if (exact !== ld) exact.dispose();
  }
}
