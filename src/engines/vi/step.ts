import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import type { Estimator, Family } from './family.js';
import { optimizerStep, type OptimizerName, type OptimizerState } from './optimizer.js';

export interface StepState {
  readonly lambda: Float64Array;
  readonly opt: OptimizerState;
}

export interface StepInfo {
  /** The Monte Carlo ELBO at lambda before the step: mean log p of the finite draws + entropy. */
  readonly elbo: number;
  /** Draws whose log density or gradient was not finite; they are left out of the step. */
  readonly dropped: number;
}

export interface StepConfig {
  readonly ld: LogDensity;
  readonly family: Family;
  readonly draws: number;
  readonly estimator: Estimator;
  readonly optimizer: OptimizerName;
}

/** K vectors of d independent N(0, 1) draws, in order (a plain loop: the rng dominates the cost otherwise). */
export function standardNormals(rng: Rng, K: number, d: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < K; k++) {
    const e = new Float64Array(d);
    for (let i = 0; i < d; i++) e[i] = rng.normal();
    out.push(e);
  }
  return out;
}

const isFinite = (g: Float64Array): boolean => g.every(Number.isFinite);

/**
 * One step of stochastic ELBO ascent: K draws eps ~ N(0, I) from rng, theta_k = T(lambda, eps_k), the
 * log density and gradient at all K in one batched call, the reparameterization gradient, one
 * optimizer step (Kucukelbir et al. 2017, sec. 2.4). A step whose draws all overflow leaves lambda as is.
 */
export function elboStep(c: StepConfig, s: StepState, rng: Rng, lr: number): [StepState, StepInfo] {
  const d = c.family.dim;
  const eps = standardNormals(rng, c.draws, d);
  const draws = c.family.draws(s.lambda, eps);
  const evals = c.ld.valueAndGradBatch(draws.map((x) => x.theta));
  const keep = evals.map((r, k) => (Number.isFinite(r.value) && isFinite(r.grad) ? k : -1)).filter((k) => k >= 0);
  const dropped = c.draws - keep.length;
  if (keep.length === 0) return [s, { elbo: -Infinity, dropped }];
  let lp = 0;
  for (const k of keep) lp += evals[k].value;
  const elbo = lp / keep.length + c.ld.constant + c.family.entropy(s.lambda);
  const g = c.family.gradient(s.lambda, keep.map((k) => eps[k]), keep.map((k) => evals[k].grad), c.estimator);
  const [lambda, opt] = optimizerStep(c.optimizer, s.lambda, s.opt, g, lr);
  return [{ lambda, opt }, { elbo, dropped }];
}
