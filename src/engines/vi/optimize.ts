import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { InferenceError } from '../../core/errors.js';
import type { Family } from './family.js';
import { initialOptimizerState } from './optimizer.js';
import { CLIMB_WINDOWS, averageOf, averagingRate, nextAction, stillRising, type AverageCheck, type WindowStats } from './schedule.js';
import type { ViSettings } from './settings.js';
import { elboStep, type StepConfig, type StepState } from './step.js';

export type StopReason = 'converged' | 'max-steps' | 'fixed-steps' | 'fell-below-start';

export interface OptimizeResult {
  readonly lambda: Float64Array;
  readonly steps: number;
  readonly stopReason: StopReason;
  /** Steps before the averaged windows (all steps without averaging). */
  readonly climbSteps: number;
  readonly averagedSteps: number;
  readonly windows: readonly WindowStats[];
  /** MCSE of the averaged means (in posterior sds) and log sds; NaN without averaging. */
  readonly mcseMean: number;
  readonly mcseLogSd: number;
  /** Without averaging: the largest sd of a mean over the last 500 steps, in units of scaleOf (posterior sds, or q's). */
  readonly iterateSd: number;
  /** The smoothed ELBO was still rising over the last windows when the loop ended (no stop rule hit). */
  readonly stillRising: boolean;
  readonly dropped: number;
}

const memo = new WeakMap<(l: Float64Array) => Float64Array, WeakMap<Float64Array, Float64Array>>();

/** f(lambda), remembered per lambda array (windows' lambdas are never changed once closed). */
function once(f: (l: Float64Array) => Float64Array): (l: Float64Array) => Float64Array {
  let cache = memo.get(f);
  if (!cache) memo.set(f, (cache = new WeakMap()));
  const c = cache;
  return (l) => {
    let v = c.get(l);
    if (!v) c.set(l, (v = f(l)));
    return v;
  };
}

/** Without averaging: how many of the last iterates show how much the answer still moves. */
const JITTER_STEPS = 500;

/** Largest sd over the iterates' means of coordinate i, divided by scale[i]. */
function jitter(means: readonly Float64Array[], scale: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < scale.length; i++) {
    const xs = means.map((m) => m[i]);
    const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = xs.reduce((a, b) => a + (b - mu) ** 2, 0) / Math.max(1, xs.length - 1);
    worst = Math.max(worst, Math.sqrt(v) / scale[i]);
  }
  return worst;
}

/** Accumulates one window of steps: the mean iterate and the ELBO estimates. */
class WindowAccumulator {
  private sum: Float64Array;
  private elbos: number[] = [];
  private n = 0;
  constructor(size: number) {
    this.sum = new Float64Array(size);
  }
  add(lambda: Float64Array, elbo: number): void {
    for (let i = 0; i < lambda.length; i++) this.sum[i] += lambda[i];
    if (Number.isFinite(elbo)) this.elbos.push(elbo);
    this.n++;
  }
  close(step: number): WindowStats {
    const e = this.elbos;
    const elbo = e.length ? e.reduce((a, b) => a + b, 0) / e.length : -Infinity;
    const v = e.length > 1 ? e.reduce((a, b) => a + (b - elbo) ** 2, 0) / (e.length - 1) : Infinity;
    const stats = { step, elbo, elboSe: Math.sqrt(v / Math.max(1, e.length)), lambda: this.sum.map((x) => x / this.n) };
    this.sum = new Float64Array(this.sum.length);
    this.elbos = [];
    this.n = 0;
    return stats;
  }
}

/**
 * Windows in a row without one finite ELBO: every draw is dropped, so the step is zero and nothing will
 * move again. After finite ones, the optimizer has left the region where the log density is defined
 * (diverged); from the start, it never was in it.
 */
const DEAD_WINDOWS = 4;

function stuck(windows: readonly WindowStats[]): boolean {
  const n = windows.length;
  return n >= DEAD_WINDOWS && windows.slice(n - DEAD_WINDOWS).every((w) => w.elbo === -Infinity);
}

function neverFinite(s: ViSettings, ld: LogDensity, mean: Float64Array): InferenceError {
  const why = ld.explainNonFinite?.(mean);
  return new InferenceError('E504', `variational inference failed: the log density was not finite at any Monte Carlo draw in the first ${DEAD_WINDOWS * s.window} steps` +
    `${why ? `; at the Gaussian's mean, ${why}` : ''}`,
    s.init === 'random' ? 'try --init mode' : 'check the model for parameters without a proper prior');
}

/** The optimizer blew up: stop there and say so, with the numbers. */
function diverged(step: number, lr: number, windows: readonly WindowStats[], optimizer: string, what: string): InferenceError {
  const last = [...windows].reverse().find((w) => Number.isFinite(w.elbo));
  const elbo = last ? `; the last finite windowed ELBO was ${last.elbo.toPrecision(6)}, at step ${last.step}` : '';
  return new InferenceError('E508', `variational inference diverged at step ${step} (${optimizer}, learning rate ${lr}): ${what}${elbo}`,
    'lower --lr, or use the default recipe (adam, started at the mode)');
}

/**
 * The optimization driver: the only loop. Climb at lr, then average with a decreasing rate until the
 * average's MCSE is below tol (schedule.ts); or, without averaging, exactly `steps` steps at lr and the
 * last iterate (the TFP recipe). `scaleOf` gives the unit of the means' MCSE (posterior sds, from Laplace).
 */
/**
 * `floor`: an ELBO well below the start's. When CLIMB_WINDOWS windows in a row average below it (finite:
 * windows with no finite draw are the E508 rule's) the run has diverged from its start and stops there (stopReason 'fell-below-start'), rather than averaging a
 * diverged q for thousands of steps; the caller reruns at a smaller learning rate.
 */
export function optimize(ld: LogDensity, family: Family, s: ViSettings, rng: Rng, scaleOf: (lambda: Float64Array) => Float64Array, floor = -Infinity,
  onWindow?: (w: WindowStats) => void): OptimizeResult {
  const config: StepConfig = { ld, family, draws: s.mcDraws, estimator: s.estimator, optimizer: s.optimizer };
  let state: StepState = { lambda: family.initial(), opt: initialOptimizerState(s.optimizer, family.size) };
  const windows: WindowStats[] = [];
  const acc = new WindowAccumulator(family.size);
  const lastMeans: Float64Array[] = [];
  let averageFrom = -1;
  let scale = scaleOf(state.lambda);
  let dropped = 0;
  // Each window's mean and sd are computed once: the check runs at every window over all averaged windows,
  // and a full-rank sd costs dim^3 (hundreds of windows made that the whole run's cost).
  const check = (ws: readonly WindowStats[]): AverageCheck => averageOf(ws, once(family.mean), once(family.sd), scale);
  const result = (steps: number, stopReason: StopReason, lambda: Float64Array, mcse = { mcseMean: NaN, mcseLogSd: NaN }): OptimizeResult => {
    const averagedFrom = averageFrom < 0 ? steps : windows[averageFrom - 1]?.step ?? 0;
    return {
      lambda, steps, stopReason, windows, ...mcse, dropped, climbSteps: averagedFrom, averagedSteps: steps - averagedFrom,
      iterateSd: lastMeans.length > 1 ? jitter(lastMeans, scaleOf(lambda)) : NaN,
      stillRising: stopReason !== 'converged' && windows.length >= CLIMB_WINDOWS && stillRising(windows.slice(-CLIMB_WINDOWS)),
    };
  };
  for (let t = 0; t < s.steps; t++) {
    const lr = s.average && averageFrom >= 0 ? averagingRate(s.lr, windows.length - averageFrom) : s.lr;
    const [next, info] = elboStep(config, state, rng, lr);
    if (!next.lambda.every(Number.isFinite)) throw diverged(t + 1, lr, windows, s.optimizer, "the step overflowed the Gaussian's parameters");
    state = next;
    dropped += info.dropped;
    acc.add(state.lambda, info.elbo);
    if (!s.average && t >= s.steps - JITTER_STEPS) lastMeans.push(family.mean(state.lambda));
    if ((t + 1) % s.window !== 0) continue;
    windows.push(acc.close(t + 1));
    onWindow?.(windows[windows.length - 1]);
    if (stuck(windows)) {
      if (!windows.some((w) => Number.isFinite(w.elbo))) throw neverFinite(s, ld, family.mean(state.lambda));
      throw diverged(t + 1, lr, windows, s.optimizer, `no Monte Carlo draw had a finite log density for ${DEAD_WINDOWS * s.window} steps`);
    }
    if (windows.length >= CLIMB_WINDOWS && windows.slice(-CLIMB_WINDOWS).every((w) => Number.isFinite(w.elbo) && w.elbo < floor)) {
      return result(t + 1, 'fell-below-start', state.lambda);
    }
    if (!s.average) continue;
    const what = nextAction(windows, averageFrom, s.tol, check);
    if (what.action === 'stop') return result(t + 1, 'converged', what.check.lambda, what.check);
    if (what.action === 'drop-early-half') averageFrom = what.averageFrom;
    if (what.action === 'start-averaging') {
      averageFrom = windows.length;
      scale = scaleOf(state.lambda);
      // Fresh Adam moments: the climb's large gradients would otherwise shrink its steps for about
      // 1 / (1 - beta2) = 1000 steps, so that from a random start the means barely move while averaged.
      state = { lambda: state.lambda, opt: initialOptimizerState(s.optimizer, family.size) };
    }
  }
  if (!s.average) return result(s.steps, 'fixed-steps', state.lambda);
  // Out of steps: average what there is (the later half, if the climb never settled).
  if (averageFrom < 0) {
    averageFrom = Math.floor(windows.length / 2);
    scale = scaleOf(state.lambda);
  }
  if (windows.length - averageFrom < 1) return result(s.steps, 'max-steps', state.lambda);
  const last = check(windows.slice(averageFrom));
  return result(s.steps, 'max-steps', last.lambda, last);
}
