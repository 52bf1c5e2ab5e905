import type { LogDensity } from '../core/log_density.js';
import type { Rng } from '../core/rng.js';
import type { EngineResult } from '../engines/result.js';
import { runNuts, runNutsOn } from '../engines/nuts/run.js';
import { nutsOptions } from '../engines/nuts/options.js';
import type { InferHooks } from './infer_options.js';
import { aliasedWarnings } from '../engines/aliased_warnings.js';
import type { ChainProgress, LaplaceProgress, ViProgress } from '../core/progress.js';

/** What every engine is given besides the log density. */
export interface CommonOptions {
  readonly rng: Rng;
  readonly draws: number;
  readonly psis: boolean;
  /** The engine's settings from the API or CLI (e.g. { chains: 4 }), checked for their keys by infer() and for their values by the engine. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly hooks: InferHooks;
  /** A model compiled for maximum likelihood (or REML): integrate the random effects out, as lme4 does; draw only when asked to. */
  readonly ml?: { readonly reml: boolean; readonly draws: boolean };
}

/* The Laplace and VI engines (with ml-matrix) are loaded when first used: a process runs one engine, and
 * compiling the others' code was part of every start-up (a NUTS run on a small model takes a few tenths
 * of a second in all). */
/* Each loaded once per process, and the promise kept: an import() of a loaded module still resolves it
 * again (fit-genes calls an engine per gene). */
let laplaceModules: Promise<[typeof import('../engines/laplace/run.js'), typeof import('../engines/nested/run_ml.js'), typeof import('../engines/nested/run_posterior.js')]> | undefined;
const laplace = (): NonNullable<typeof laplaceModules> =>
  (laplaceModules ??= Promise.all([import('../engines/laplace/run.js'), import('../engines/nested/run_ml.js'), import('../engines/nested/run_posterior.js')]));
let viModules: Promise<[typeof import('../engines/vi/run.js'), typeof import('../engines/vi/settings.js')]> | undefined;
const vi = (): NonNullable<typeof viModules> => (viModules ??= Promise.all([import('../engines/vi/run.js'), import('../engines/vi/settings.js')]));

/**
 * The engines by name. Each is a function of the log-density interface only; results come back in
 * theta and the API maps them to named, constrained quantities. Add an engine by adding a line.
 */
export const ENGINE_RUNNERS = {
  laplace: async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => {
    const [{ runLaplace }, { runMaximumLikelihood }, { runNestedLaplace }] = await laplace();
    const report = o.hooks.onProgress;
    const onProgress = report && ((p: LaplaceProgress): void => report({ kind: 'laplace', ...p }));
    if (o.ml) return runMaximumLikelihood(ld, { reml: o.ml.reml, draws: o.ml.draws ? o.draws : 0, rng: o.rng, onProgress });
    return posterior(ld, runNestedLaplace(ld, { draws: o.draws, rng: o.rng, psis: o.psis, onProgress }) ?? runLaplace(ld, { draws: o.draws, rng: o.rng, psis: o.psis }));
  },
  // One Gaussian at the joint posterior mode: right where the posterior has such a mode and is near-Gaussian
  // there (no hierarchical scales, or many data per group); kept for comparison and for those models.
  'laplace-joint': async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => {
    const [{ runLaplace }] = await laplace();
    return posterior(ld, runLaplace(ld, { draws: o.draws, rng: o.rng, psis: o.psis }));
  },
  advi: async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => {
    const [{ runVi }, { parseViSettings }] = await vi();
    return posterior(ld, await runVi(ld, 'meanfield', { draws: o.draws, rng: o.rng, psis: o.psis, settings: parseViSettings(o.settings), onProgress: viProgress(o) }));
  },
  fullrank: async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => {
    const [{ runVi }, { parseViSettings }] = await vi();
    return posterior(ld, await runVi(ld, 'fullrank', { draws: o.draws, rng: o.rng, psis: o.psis, settings: parseViSettings(o.settings), onProgress: viProgress(o) }));
  },
  // MCMC reads `draws` per chain; the untouched default 4000 becomes Stan's 1000 per chain (see nuts/options.ts).
  nuts: async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => posterior(ld, await runMcmc('nuts', ld, o)),
  hmc: async (ld: LogDensity, o: CommonOptions): Promise<EngineResult> => posterior(ld, await runMcmc('hmc', ld, o)),
} as const;

/** A posterior engine's result with what holds for every posterior: a rank-deficient design identified by its priors alone. */
function posterior(ld: LogDensity, result: EngineResult): EngineResult {
  const aliased = aliasedWarnings(ld, 'posterior');
  return aliased.length === 0 ? result : { ...result, warnings: [...aliased, ...result.warnings] };
}

/** VI's progress, as the hooks' events. */
const viProgress = (o: CommonOptions): ((p: ViProgress) => void) | undefined => {
  const report = o.hooks.onProgress;
  return report && ((p: ViProgress): void => report({ kind: 'vi', ...p }));
};

/**
 * MCMC in this thread, or on the ChainRunner the caller lends in hooks.chains (the CLI's worker threads;
 * a browser app could lend web workers).
 */
function runMcmc(engine: 'nuts' | 'hmc', ld: LogDensity, o: CommonOptions): EngineResult | Promise<EngineResult> {
  const report = o.hooks.onProgress;
  const options = nutsOptions(engine, o.draws, o.settings, o.rng, {
    onProgress: report && ((p: ChainProgress): void => report({ kind: 'chain', ...p })), shouldStop: o.hooks.shouldStop,
  });
  const chains = o.hooks.chains;
  return chains ? runNutsOn(chains.runner, chains.threads, ld, options) : runNuts(ld, options);
}

export type EngineName = keyof typeof ENGINE_RUNNERS;
export const ENGINES = Object.keys(ENGINE_RUNNERS) as EngineName[];
