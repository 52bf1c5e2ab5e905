import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { warmup, type WarmupSettings } from './adaptation.js';
import { randomInit } from './init.js';
import type { Position } from './integrator.js';
import type { Kernel, TransitionInfo } from './nuts.js';
import type { ChainControl } from './chain_job.js';

export interface ChainSettings extends WarmupSettings {
  readonly numDraws: number;
}

/** Per-draw sampler statistics of one chain after warm-up (Stan's accept_stat__, treedepth__, ...). */
export interface SamplerStats {
  readonly acceptStat: Float64Array;
  readonly treeDepth: Int32Array;
  readonly nLeapfrog: Int32Array;
  readonly divergent: Uint8Array;
  readonly energy: Float64Array;
}

export interface ChainOutput {
  /** Post-warm-up draws in theta. */
  readonly draws: Float64Array[];
  readonly stats: SamplerStats;
  readonly stepSize: number;
  readonly inverseMetric: Float64Array | readonly Float64Array[];
  /**
   * Set when the chain ran in other coordinates than its draws' (reparam_density.ts): each coordinate's
   * post-warm-up variance over the metric's, measured in the coordinates the metric belongs to.
   */
  readonly metricRatios?: Float64Array;
  readonly warmupDivergences: number;
  readonly warmupLeapfrogs: number;
  readonly warmupMs: number;
  readonly samplingMs: number;
  /** Set when the chain was stopped early (shouldStop): the draws are those made before. */
  readonly interrupted?: boolean;
}

function emptyStats(n: number): SamplerStats {
  return {
    acceptStat: new Float64Array(n), treeDepth: new Int32Array(n), nLeapfrog: new Int32Array(n),
    divergent: new Uint8Array(n), energy: new Float64Array(n),
  };
}

function record(stats: SamplerStats, i: number, info: TransitionInfo): void {
  stats.acceptStat[i] = info.acceptStat;
  stats.treeDepth[i] = info.treeDepth;
  stats.nLeapfrog[i] = info.nLeapfrog;
  stats.divergent[i] = info.divergent ? 1 : 0;
  stats.energy[i] = info.energy;
}

/**
 * One chain from start to end: initialisation, adaptive warm-up, then numDraws transitions with the step
 * size and metric frozen. Every random number comes from the chain's own stream, so a chain's draws are a
 * function of (seed, chain index, model) alone.
 */
export function runChain(ld: LogDensity, kernel: Kernel, s: ChainSettings, rng: Rng, control: ChainControl = {}): ChainOutput {
  const { onIteration, shouldStop } = control;
  const t0 = performance.now();
  const start = randomInit(ld, rng);
  let warmupDivergences = 0;
  let warmupLeapfrogs = 0;
  const adapted = warmup(ld, kernel, start, s, rng, (info) => {
    warmupDivergences += info.divergent ? 1 : 0;
    warmupLeapfrogs += info.nLeapfrog;
    onIteration?.();
  }, shouldStop);
  const t1 = performance.now();
  const stats = emptyStats(s.numDraws);
  // The draws are rows of one array: a typed array of its own per draw (off the heap above 64 bytes)
  // cost more to make and to collect than the transition of a small model.
  const store = new Float64Array(s.numDraws * ld.dim);
  const draws: Float64Array[] = [];
  let position: Position = adapted.position;
  let interrupted = adapted.interrupted;
  for (let i = 0; i < s.numDraws && !interrupted; i++) {
    const [next, info] = kernel(ld, adapted.metric, position, { stepSize: adapted.stepSize, maxDepth: s.maxDepth }, rng);
    position = next;
    // Copied out: the kernel reuses its result's arrays (see Kernel).
    const row = store.subarray(i * ld.dim, (i + 1) * ld.dim);
    row.set(position.q);
    draws.push(row);
    record(stats, i, info);
    onIteration?.();
    interrupted = shouldStop?.() ?? false;
  }
  return {
    draws, stats: interrupted ? truncateStats(stats, draws.length) : stats, stepSize: adapted.stepSize, inverseMetric: adapted.metric.inverse,
    warmupDivergences, warmupLeapfrogs, warmupMs: t1 - t0, samplingMs: performance.now() - t1,
    ...(interrupted ? { interrupted } : {}),
  };
}

/** The first n draws' statistics (a chain stopped early, or chains cut to a common length). */
export function truncateStats(s: SamplerStats, n: number): SamplerStats {
  return {
    acceptStat: s.acceptStat.slice(0, n), treeDepth: s.treeDepth.slice(0, n), nLeapfrog: s.nLeapfrog.slice(0, n),
    divergent: s.divergent.slice(0, n), energy: s.energy.slice(0, n),
  };
}
