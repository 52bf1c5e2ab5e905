import { InferenceError } from '../../core/errors.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { leapfrog, phasePoint, type Position } from './integrator.js';
import type { Metric } from './metric.js';

/** Dual-averaging constants: Stan's defaults (cmdstan arg_adapt: gamma 0.05, kappa 0.75, t0 10). */
export const DUAL_AVERAGING = { gamma: 0.05, kappa: 0.75, t0: 10 } as const;

/** The state of Nesterov's dual averaging of log(eps) (Nesterov 2009; Hoffman & Gelman 2014, Alg. 5). */
export interface DualAveraging {
  readonly mu: number;
  readonly counter: number;
  readonly sBar: number;
  readonly xBar: number;
}

/** A fresh start aimed at mu = log(10 eps): after each metric update Stan restarts from the new eps. */
export function startDualAveraging(stepSize: number): DualAveraging {
  return { mu: Math.log(10 * stepSize), counter: 0, sBar: 0, xBar: 0 };
}

/**
 * One update from the transition's accept statistic (Stan's learn_stepsize):
 *   sBar <- (1 - eta) sBar + eta (delta - alpha), eta = 1/(m + t0)
 *   x = mu - sBar sqrt(m) / gamma,   eps = e^x
 *   xBar <- (1 - m^-kappa) xBar + m^-kappa x
 * Early iterations move eps boldly (x), the average xBar settles; warm-up ends with eps = e^xBar.
 */
export function learnStepSize(s: DualAveraging, acceptStat: number, delta: number): [DualAveraging, number] {
  const { gamma, kappa, t0 } = DUAL_AVERAGING;
  const m = s.counter + 1;
  const alpha = Math.min(acceptStat, 1);
  const eta = 1 / (m + t0);
  const sBar = (1 - eta) * s.sBar + eta * (delta - alpha);
  const x = s.mu - (sBar * Math.sqrt(m)) / gamma;
  const w = m ** -kappa;
  const xBar = (1 - w) * s.xBar + w * x;
  return [{ mu: s.mu, counter: m, sBar, xBar }, Math.exp(x)];
}

export function finalStepSize(s: DualAveraging): number {
  return Math.exp(s.xBar);
}

/** H0 - H after one leapfrog step of eps from q with a fresh momentum (NaN counts as -infinity). */
function oneStepDeltaH(ld: LogDensity, metric: Metric, at: Position, eps: number, rng: Rng): number {
  const z0 = phasePoint(at, metric.sampleMomentum(rng), metric);
  const z = leapfrog(ld, metric, z0, eps);
  return z0.H - z.H;
}

/**
 * Stan's init_stepsize heuristic: double or halve eps until one leapfrog step's acceptance
 * exp(H0 - H) crosses 0.8, with a fresh momentum each try. H&G's Alg. 4 uses 0.5 and keeps one momentum.
 */
export function initStepSize(ld: LogDensity, metric: Metric, at: Position, eps: number, rng: Rng): number {
  if (eps === 0 || eps > 1e7 || Number.isNaN(eps)) return eps;
  const threshold = Math.log(0.8);
  const direction = oneStepDeltaH(ld, metric, at, eps, rng) > threshold ? 1 : -1;
  for (;;) {
    const dH = oneStepDeltaH(ld, metric, at, eps, rng);
    if (direction === 1 && !(dH > threshold)) return eps;
    if (direction === -1 && !(dH < threshold)) return eps;
    eps = direction === 1 ? 2 * eps : 0.5 * eps;
    if (eps > 1e7) {
      throw new InferenceError('E513', 'the step size grew past 1e7 while initialising it: the posterior is improper',
        'check that every parameter has a proper prior or is identified by the data');
    }
    if (eps === 0) {
      throw new InferenceError('E514', 'no acceptably small step size could be found',
        'the log density may be discontinuous or not finite near the initial values');
    }
  }
}
