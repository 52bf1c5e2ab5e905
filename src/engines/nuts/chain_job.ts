import type { LogDensity } from '../../core/log_density.js';
import { createRng } from '../../core/rng.js';
import { runChain, type ChainOutput, type ChainSettings } from './chain.js';
import { staticHmcKernel } from './hmc.js';
import { nutsTransition } from './nuts.js';
import { scaledDensity } from '../scaled_density.js';

/**
 * Everything one chain needs besides the log density, as plain data: it crosses to a worker thread
 * by structured clone, and the worker's chain is then the same function of (seed, chain, model) as
 * one run here.
 */
export interface ChainJob {
  readonly chain: number;
  readonly engine: 'nuts' | 'hmc';
  readonly intTime: number;
  readonly settings: ChainSettings;
  /** The run's seed string (Rng.id); the chain draws from its child stream 'chain-<i>'. */
  readonly rngId: string;
  /**
   * Coordinate scales (scaled_density.ts) for a model with coordinates far below unit scale: the chain
   * then runs in theta / scales, where Stan's initialisation and first metric fit, and reports in theta.
   */
  readonly scales?: readonly number[];
}

/** What a chain reports while it runs: called after every transition, and asked whether to stop. */
export interface ChainControl {
  readonly onIteration?: () => void;
  /** Polled once per transition: true ends the chain early with the draws it has (Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

/**
 * Runs chains somewhere else (worker threads) and hands back their outputs in chain order; the API
 * layer supplies one where threads exist. `onProgress` gets (chain, iterations done).
 */
export type ChainRunner = (jobs: readonly ChainJob[], onProgress?: (chain: number, iteration: number) => void) => Promise<ChainOutput[]>;

export function runChainJob(ld: LogDensity, job: ChainJob, control: ChainControl = {}): ChainOutput {
  const kernel = job.engine === 'hmc' ? staticHmcKernel(job.intTime) : nutsTransition;
  const rng = createRng(job.rngId).child(`chain-${job.chain}`);
  if (!job.scales) return runChain(ld, kernel, job.settings, rng, control);
  const scales = Float64Array.from(job.scales);
  return unscaled(runChain(scaledDensity(ld, scales), kernel, job.settings, rng, control), scales);
}

/** A chain run in theta / scales, reported in theta: its draws and its metric (a covariance) scaled back. */
function unscaled(out: ChainOutput, s: Float64Array): ChainOutput {
  for (const draw of out.draws) for (let i = 0; i < s.length; i++) draw[i] *= s[i];
  const m = out.inverseMetric;
  const inverseMetric = m instanceof Float64Array ? m.map((v, i) => v * s[i] * s[i]) : m.map((row, i) => row.map((v, j) => v * s[i] * s[j]));
  return { ...out, inverseMetric };
}
