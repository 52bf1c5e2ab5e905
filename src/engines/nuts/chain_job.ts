import type { LogDensity } from '../../core/log_density.js';
import { createRng } from '../../core/rng.js';
import { runChain, type ChainOutput, type ChainSettings } from './chain.js';
import { staticHmcKernel } from './hmc.js';
import { nutsTransition } from './nuts.js';
import { scaledDensity } from '../scaled_density.js';
import { metricRatios } from './drift.js';
import { reparamDensity, writtenTheta, type Reparam, type SampledForm } from '../reparam_density.js';

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
  /**
   * The form each of the log density's hierarchies is sampled in (reparam_density.ts), in the order of
   * `ld.hierarchies`; absent: as the model writes them. The draws come back in the model's theta.
   */
  readonly forms?: readonly SampledForm[];
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
  const plan = reparamPlan(ld, job.forms);
  const sampled = reparamDensity(ld, plan);
  let out: ChainOutput;
  if (!job.scales) out = runChain(sampled, kernel, job.settings, rng, control);
  else {
    const scales = Float64Array.from(job.scales);
    out = unscaled(runChain(scaledDensity(sampled, scales), kernel, job.settings, rng, control), scales);
  }
  if (sampled === ld) return out;
  const toTheta = writtenTheta(plan);
  return { ...out, metricRatios: out.draws.length > 1 ? metricRatios(out) : undefined, draws: out.draws.map(toTheta) };
}

/** The hierarchies of ld paired with the forms a job samples them in. */
export function reparamPlan(ld: LogDensity, forms: readonly SampledForm[] | undefined): Reparam[] {
  if (!forms) return [];
  const blocks = ld.hierarchies ?? [];
  if (blocks.length !== forms.length) throw new Error(`a chain job has ${forms.length} forms for ${blocks.length} hierarchies`);
  return blocks.map((block, i) => ({ block, sampled: forms[i] }));
}

/** A chain run in theta / scales, reported in theta: its draws and its metric (a covariance) scaled back. */
function unscaled(out: ChainOutput, s: Float64Array): ChainOutput {
  for (const draw of out.draws) for (let i = 0; i < s.length; i++) draw[i] *= s[i];
  const m = out.inverseMetric;
  const inverseMetric = m instanceof Float64Array ? m.map((v, i) => v * s[i] * s[i]) : m.map((row, i) => row.map((v, j) => v * s[i] * s[j]));
  return { ...out, inverseMetric };
}
