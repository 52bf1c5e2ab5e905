import type { LogDensity } from '../../core/log_density.js';
import type { EngineResult } from '../result.js';
import { runChain, type ChainOutput } from './chain.js';
import { staticHmcKernel } from './hmc.js';
import { nutsTransition, type Kernel } from './nuts.js';
import type { NutsOptions } from './options.js';
import { convergenceWarnings, samplerSummary, samplerWarnings } from './report.js';

const fmtList = (xs: readonly number[], digits: number): string => xs.map((x) => x.toFixed(digits)).join(', ');

/**
 * The driver: the only loop over chains. Chains run one after another in this thread; each draws every
 * random number from its own stream rng.child('chain-<i>'), so the result does not depend on the order
 * or timing of chains, and moving them to worker threads would not change a digit.
 */
function runChains(ld: LogDensity, kernel: Kernel, o: NutsOptions): ChainOutput[] {
  const iterations = o.warmup + o.drawsPerChain;
  const settings = { numWarmup: o.warmup, numDraws: o.drawsPerChain, adaptDelta: o.adaptDelta, maxDepth: o.maxDepth, dense: o.dense };
  return Array.from({ length: o.chains }, (_, chain) => {
    let iteration = 0;
    const tick = o.onProgress && ((): void => {
      iteration++;
      o.onProgress!({ chain, chains: o.chains, iteration, iterations, warmup: iteration <= o.warmup });
    });
    return runChain(ld, kernel, settings, o.rng.child(`chain-${chain}`), tick);
  });
}

/**
 * NUTS (Hoffman & Gelman 2014, with Stan's multinomial sampling and generalised U-turn criterion) or static
 * HMC, with Stan's adaptive warm-up, on several chains; draws come back chain-major in theta, with the
 * sampler's diagnostics and warnings (divergences, tree depth, E-BFMI, R-hat, ESS).
 */
export function runNuts(ld: LogDensity, o: NutsOptions): EngineResult {
  const kernel = o.engine === 'hmc' ? staticHmcKernel(o.intTime) : nutsTransition;
  const chains = runChains(ld, kernel, o);
  const draws = chains.flatMap((c) => c.draws);
  const sampler = samplerSummary(chains, o.maxDepth);
  // Convergence on the constrained scale, as the summary reports it (rank-based R-hat and ESS barely
  // depend on the scale, but the folded R-hat does).
  const convergence = convergenceWarnings(ld.names, draws.map((d) => ld.constrain(d)), o.chains);
  const warmupDivergences = chains.reduce((s, c) => s + c.warmupDivergences, 0);
  return {
    engine: o.engine,
    draws,
    chains: o.chains,
    diagnostics: {
      chains: o.chains,
      warmup: o.warmup,
      drawsPerChain: o.drawsPerChain,
      adaptDelta: o.adaptDelta,
      maxDepth: o.maxDepth,
      metric: o.dense ? 'dense' : 'diag',
      divergences: sampler.divergences,
      warmupDivergences,
      treeDepthHits: sampler.treeDepthHits,
      ebfmiMin: Math.min(...sampler.ebfmi),
      ebfmiPerChain: fmtList(sampler.ebfmi, 3),
      stepSizePerChain: fmtList(chains.map((c) => c.stepSize), 4),
      meanAcceptStat: sampler.meanAcceptStat,
      leapfrogSteps: sampler.leapfrogs,
      maxRhat: convergence.maxRhat,
      minEssBulk: convergence.minEssBulk,
      minEssTail: convergence.minEssTail,
      threads: 1,
    },
    warnings: [...samplerWarnings(sampler, o.maxDepth), ...convergence.warnings],
    timings: {
      warmupMs: chains.reduce((s, c) => s + c.warmupMs, 0),
      samplingMs: chains.reduce((s, c) => s + c.samplingMs, 0),
    },
  };
}
