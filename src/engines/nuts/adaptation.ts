import { InferenceError } from '../../core/errors.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import type { Position } from './integrator.js';
import { denseMetric, diagMetric, unitMetric, type Metric } from './metric.js';
import type { Kernel, TransitionInfo } from './nuts.js';
import { finalStepSize, initStepSize, learnStepSize, startDualAveraging, type DualAveraging } from './step_size.js';
import { slowWindows, Welford } from './windows.js';

export interface WarmupSettings {
  readonly numWarmup: number;
  /** Target mean accept statistic (Stan's adapt_delta). */
  readonly adaptDelta: number;
  readonly maxDepth: number;
  readonly dense: boolean;
}

export interface Adapted {
  readonly position: Position;
  readonly stepSize: number;
  readonly metric: Metric;
  /** Warm-up was stopped early (Ctrl-C): what it had learnt so far. */
  readonly interrupted: boolean;
}

/** Called after every transition, warm-up and sampling alike (for progress and sampler statistics). */
export type OnTransition = (info: TransitionInfo, warmup: boolean) => void;

function metricFrom(estimate: Float64Array | Float64Array[], names: readonly string[]): Metric {
  const diag = estimate instanceof Float64Array ? estimate : estimate.map((r, i) => r[i]);
  const bad = Array.from(diag).findIndex((v) => !Number.isFinite(v) || v <= 0);
  if (bad >= 0) {
    throw new InferenceError('E511', `warm-up estimated a variance of ${diag[bad]} for '${names[bad]}'`,
      'the chain may have diverged to infinity; check the priors of that parameter');
  }
  return estimate instanceof Float64Array ? diagMetric(estimate) : denseMetric(estimate);
}

/**
 * Stan's adaptive warm-up wrapped around any kernel (adapt_diag_e_nuts / adapt_dense_e_nuts): the step size
 * by dual averaging at every iteration; the metric from each slow window's draws, after which the step
 * size is re-initialised and the dual averaging restarted at mu = log(10 eps). Warm-up ends with
 * eps = exp(xBar). The kernel itself knows nothing of adaptation.
 */
export function warmup(ld: LogDensity, kernel: Kernel, start: Position, s: WarmupSettings, rng: Rng, onTransition?: OnTransition, shouldStop?: () => boolean): Adapted {
  let metric = unitMetric(ld.dim, s.dense);
  // mu is set from the user's step size (1) before the heuristic runs, as in Stan's services.
  let da: DualAveraging = startDualAveraging(1);
  let stepSize = initStepSize(ld, metric, start, 1, rng);
  if (s.numWarmup === 0) return { position: start, stepSize, metric, interrupted: false };
  const windows = slowWindows(s.numWarmup);
  let w = 0;
  let estimator = new Welford(ld.dim, s.dense);
  let position = start;
  for (let i = 0; i < s.numWarmup; i++) {
    const [next, info] = kernel(ld, metric, position, { stepSize, maxDepth: s.maxDepth }, rng);
    position = next;
    onTransition?.(info, true);
    [da, stepSize] = learnStepSize(da, info.acceptStat, s.adaptDelta);
    if (shouldStop?.()) return { position, stepSize: finalStepSize(da), metric, interrupted: true };
    if (w >= windows.length || i < windows[w].start) continue;
    estimator.add(position.q);
    if (i !== windows[w].end - 1) continue;
    metric = metricFrom(estimator.regularized(), ld.names);
    stepSize = initStepSize(ld, metric, position, stepSize, rng);
    da = startDualAveraging(stepSize);
    estimator = new Welford(ld.dim, s.dense);
    w++;
  }
  return { position, stepSize: finalStepSize(da), metric, interrupted: false };
}
