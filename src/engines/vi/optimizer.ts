/**
 * Stochastic gradient ascent steps as pure functions: (lambda, state, gradient, lr) -> [lambda, state].
 * All state is float64.
 */

export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerState {
  readonly t: number;
  /** Adam's first and second moments (empty for sgd). */
  readonly m: Float64Array;
  readonly v: Float64Array;
}

export function initialOptimizerState(name: OptimizerName, size: number): OptimizerState {
  return name === 'adam' ? { t: 0, m: new Float64Array(size), v: new Float64Array(size) } : { t: 0, m: new Float64Array(0), v: new Float64Array(0) };
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPS = 1e-8;

/** Adam (Kingma & Ba 2015) with its usual constants, as in the TFP tutorial's optimizer. */
function adamStep(lambda: Float64Array, s: OptimizerState, g: Float64Array, lr: number): [Float64Array, OptimizerState] {
  const t = s.t + 1;
  const m = new Float64Array(g.length);
  const v = new Float64Array(g.length);
  const next = new Float64Array(lambda.length);
  const c1 = 1 - BETA1 ** t;
  const c2 = 1 - BETA2 ** t;
  for (let i = 0; i < g.length; i++) {
    m[i] = BETA1 * s.m[i] + (1 - BETA1) * g[i];
    v[i] = BETA2 * s.v[i] + (1 - BETA2) * g[i] * g[i];
    next[i] = lambda[i] + (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + EPS);
  }
  return [next, { t, m, v }];
}

/**
 * Plain gradient ascent. In the whitened coordinates of frame.ts the curvature of the ELBO is close to 1
 * in every direction, so this is nearly a Newton step of length lr, with Robbins-Monro's guarantees
 * under a decreasing lr.
 */
function sgdStep(lambda: Float64Array, s: OptimizerState, g: Float64Array, lr: number): [Float64Array, OptimizerState] {
  return [Float64Array.from(lambda, (x, i) => x + lr * g[i]), { ...s, t: s.t + 1 }];
}

export function optimizerStep(name: OptimizerName, lambda: Float64Array, s: OptimizerState, g: Float64Array, lr: number): [Float64Array, OptimizerState] {
  return name === 'adam' ? adamStep(lambda, s, g, lr) : sgdStep(lambda, s, g, lr);
}
