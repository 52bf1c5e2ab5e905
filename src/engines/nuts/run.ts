import type { Hierarchy, LogDensity } from '../../core/log_density.js';
import type { EngineResult } from '../result.js';
import { InferenceError } from '../../core/errors.js';
import { warning } from '../../core/warning.js';
import { truncateStats, type ChainOutput } from './chain.js';
import { reparamPlan, runChainJob, type ChainJob, type ChainRunner } from './chain_job.js';
import { reparamDensity, type SampledForm } from '../reparam_density.js';
import { sampledForms } from './reparam_choice.js';
import type { NutsOptions } from './options.js';
import { curvatureScales } from '../scaled_density.js';
import { convergenceWarnings, samplerSummary, samplerWarnings } from './report.js';

/** Fewer draws than this per chain after a stop leave nothing worth summarising. */
const MIN_DRAWS_AFTER_STOP = 10;


function formName(b: Hierarchy, form: SampledForm): string {
  if (form === 'written') return `as written (${b.written === 'standardised' ? 'non-centred' : 'centred'})`;
  return form === 'standardised' ? 'non-centred' : 'centred';
}

/** Which hierarchy ran in which form, named by its scales: 'sd[g, (Intercept)], sd[g, x]: centred'. */
function describeForms(ld: LogDensity, forms: readonly SampledForm[]): string {
  return (ld.hierarchies ?? []).map((b, i) => `${b.scales.map((c) => ld.names[c]).join(', ')}: ${formName(b, forms[i])}`).join('; ');
}

/** Chain i of this run, as plain data for runChainJob here or in a worker. */
function chainJobs(ld: LogDensity, o: NutsOptions): ChainJob[] {
  const settings = { numWarmup: o.warmup, numDraws: o.drawsPerChain, adaptDelta: o.adaptDelta, maxDepth: o.maxDepth, dense: o.dense };
  const exact = ld.float64Twin?.() ?? ld;
  const forms = sampledForms(exact, o.parametrisation, o.rng.child('parametrisation'));
  const s = curvatureScales(reparamDensity(exact, reparamPlan(exact, forms)));
  if (exact !== ld) exact.dispose();
  const scales = s ? { scales: Array.from(s) } : {};
  const reparam = forms ? { forms } : {};
  return Array.from({ length: o.chains }, (_, chain) => ({ chain, engine: o.engine, intTime: o.intTime, settings, rngId: o.rng.id, ...scales, ...reparam }));
}

function progressOf(o: NutsOptions): (chain: number, iteration: number) => void {
  const iterations = o.warmup + o.drawsPerChain;
  return (chain, iteration) => o.onProgress?.({ chain, chains: o.chains, iteration, iterations, warmup: iteration <= o.warmup });
}

/**
 * The chains one after another in this thread. Each draws every random number from its own stream
 * rng.child('chain-<i>'), so the result does not depend on the order, the thread or the timing of chains:
 * a ChainRunner on worker threads gives the same digits.
 */
function runChainsHere(ld: LogDensity, o: NutsOptions, jobs: readonly ChainJob[]): ChainOutput[] {
  const progress = progressOf(o);
  return jobs.map((job) => {
    let iteration = 0;
    return runChainJob(ld, job, { onIteration: () => progress(job.chain, ++iteration), shouldStop: o.shouldStop });
  });
}

/**
 * Chains stopped early (Ctrl-C) are cut to the shortest one, so that R-hat and ESS still see equal
 * chains; chains stopped before they had MIN_DRAWS_AFTER_STOP draws (still warming up, or not yet
 * started on a busy thread) are left out.
 */
function equalLength(chains: readonly ChainOutput[]): { chains: ChainOutput[]; interrupted: boolean } {
  if (!chains.some((c) => c.interrupted)) return { chains: [...chains], interrupted: false };
  const kept = chains.filter((c) => c.draws.length >= MIN_DRAWS_AFTER_STOP);
  if (kept.length === 0) {
    throw new InferenceError('E515', `stopped during warm-up: no chain had ${MIN_DRAWS_AFTER_STOP} post-warm-up draws yet`,
      'let the run finish warm-up, or lower --warmup');
  }
  const n = Math.min(...kept.map((c) => c.draws.length));
  return { chains: kept.map((c) => ({ ...c, draws: c.draws.slice(0, n), stats: truncateStats(c.stats, n) })), interrupted: true };
}

/**
 * NUTS (Hoffman & Gelman 2014, with Stan's multinomial sampling and generalised U-turn criterion) or static
 * HMC, with Stan's adaptive warm-up, on several chains; draws come back chain-major in theta, with the
 * sampler's diagnostics and warnings (divergences, tree depth, E-BFMI, R-hat, ESS).
 */
export function runNuts(ld: LogDensity, o: NutsOptions): EngineResult {
  const jobs = chainJobs(ld, o);
  return assemble(ld, o, runChainsHere(ld, o, jobs), 1, jobs[0]?.forms);
}

/** The same run with the chains on a ChainRunner (worker threads): the same draws, in less time. */
export async function runNutsOn(runner: ChainRunner, threads: number, ld: LogDensity, o: NutsOptions): Promise<EngineResult> {
  const jobs = chainJobs(ld, o);
  return assemble(ld, o, await runner(jobs, progressOf(o)), threads, jobs[0]?.forms);
}

function assemble(ld: LogDensity, o: NutsOptions, outputs: readonly ChainOutput[], threads: number, forms: readonly SampledForm[] | undefined): EngineResult {
  const { chains, interrupted } = equalLength(outputs);
  const nChains = chains.length;
  const draws = chains.flatMap((c) => c.draws);
  const sampler = samplerSummary(chains, o.maxDepth);
  // Convergence on the constrained scale, as the summary reports it (rank-based R-hat and ESS barely
  // depend on the scale, but the folded R-hat does).
  const convergence = convergenceWarnings(ld.names, draws.map((d) => ld.constrain(d)), nChains);
  const warmupDivergences = chains.reduce((s, c) => s + c.warmupDivergences, 0);
  return {
    engine: o.engine,
    draws,
    chains: nChains,
    diagnostics: {
      kind: 'mcmc',
      chains: nChains,
      warmup: o.warmup,
      drawsPerChain: chains[0].draws.length,
      adaptDelta: o.adaptDelta,
      maxDepth: o.maxDepth,
      metric: o.dense ? 'dense' : 'diag',
      ...(forms ? { parametrisation: describeForms(ld, forms) } : {}),
      divergences: sampler.divergences,
      warmupDivergences,
      treeDepthHits: sampler.treeDepthHits,
      ebfmiMin: Math.min(...sampler.ebfmi),
      ebfmiPerChain: [...sampler.ebfmi],
      stepSizePerChain: chains.map((c) => c.stepSize),
      meanAcceptStat: sampler.meanAcceptStat,
      leapfrogSteps: sampler.leapfrogs,
      maxRhat: convergence.maxRhat,
      minEssBulk: convergence.minEssBulk,
      minEssTail: convergence.minEssTail,
      threads,
      ...(interrupted ? { interrupted: true } : {}),
    },
    warnings: [
      ...(interrupted ? [warning('interrupted', { figures: { chains: nChains, ofChains: o.chains, drawsPerChain: chains[0].draws.length, ofDrawsPerChain: o.drawsPerChain } })] : []),
      ...samplerWarnings(sampler, o.maxDepth, ld.thetaNames, (ld.hierarchies ?? []).length), ...convergence.warnings,
    ],
    columnDiagnostics: convergence.diagnostics,
    timings: {
      warmupMs: chains.reduce((s, c) => s + c.warmupMs, 0),
      samplingMs: chains.reduce((s, c) => s + c.samplingMs, 0),
    },
  };
}
