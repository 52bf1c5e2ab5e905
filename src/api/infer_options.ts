import type { BackendName } from './backend_choice.js';
import type { EngineName } from './engines.js';
import type { ChainRunner } from '../engines/nuts/chain_job.js';
import type { Parametrisation } from '../engines/nuts/options.js';
import type { ChainProgress, LaplaceProgress, ViProgress } from '../core/progress.js';

/** MCMC's settings (nuts, hmc; docs/engines.md): Stan's names and defaults. */
export interface McmcSettings {
  /** Chains (default 4). */
  readonly chains?: number;
  /** Warm-up iterations per chain (default 1000). */
  readonly warmup?: number;
  /** Draws per chain, as Stan counts them; without it, `draws` (the total) is split over the chains. */
  readonly drawsPerChain?: number;
  /** Target acceptance statistic of the step-size adaptation (default 0.8). */
  readonly adaptDelta?: number;
  /** Maximum tree depth (default 10). */
  readonly maxDepth?: number;
  /** A dense metric instead of the diagonal one. */
  readonly dense?: boolean;
  /** How hierarchies are sampled (default 'auto'): every choice is the same posterior. */
  readonly parametrisation?: Parametrisation;
  /** Static HMC only: the integration time. */
  readonly intTime?: number;
}

/** Variational inference's settings (advi, fullrank; docs/engines.md). */
export interface ViSettingsInput {
  /** 'glimmer' (default: the nested Laplace start, averaged iterates) or 'tfp' (the TensorFlow Probability tutorial's recipe). */
  readonly viRecipe?: 'glimmer' | 'tfp';
  readonly optimizer?: 'adam' | 'sgd';
  readonly lr?: number;
  readonly steps?: number;
  readonly mcDraws?: number;
  readonly init?: 'mode' | 'random';
  /** Polyak-Ruppert averaging with a convergence rule (default true). */
  readonly average?: boolean;
  readonly estimator?: 'stl' | 'entropy';
}

/** Each engine's settings: `{ engine: 'nuts', settings: { chians: 4 } }` does not compile, and is E421 at run time. */
export interface EngineSettings {
  readonly laplace: Record<string, never>;
  readonly 'laplace-joint': Record<string, never>;
  readonly advi: ViSettingsInput;
  readonly fullrank: ViSettingsInput;
  readonly nuts: McmcSettings;
  readonly hmc: McmcSettings;
}

/** The keys each engine's settings take, checked at run time for callers without the types (JavaScript, JSON). */
export const SETTING_KEYS: { readonly [E in EngineName]: readonly (keyof EngineSettings[E])[] } = {
  laplace: [],
  'laplace-joint': [],
  advi: ['viRecipe', 'optimizer', 'lr', 'steps', 'mcDraws', 'init', 'average', 'estimator'],
  fullrank: ['viRecipe', 'optimizer', 'lr', 'steps', 'mcDraws', 'init', 'average', 'estimator'],
  nuts: ['chains', 'warmup', 'drawsPerChain', 'adaptDelta', 'maxDepth', 'dense', 'parametrisation', 'intTime'],
  hmc: ['chains', 'warmup', 'drawsPerChain', 'adaptDelta', 'maxDepth', 'dense', 'parametrisation', 'intTime'],
};

/** What an engine reports while it runs, by kind: a progress line is drawn from these. */
export type ProgressEvent =
  | ({ readonly kind: 'chain' } & ChainProgress)
  | ({ readonly kind: 'vi' } & ViProgress)
  | ({ readonly kind: 'laplace' } & LaplaceProgress);

/** Callbacks and services a caller lends the engines, kept apart from the settings that decide the answer. */
export interface InferHooks {
  /** Called as the engine runs: after each transition of each chain, each window of VI steps, each evaluation of the Laplace marginal. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** MCMC: polled after every transition; true stops every chain with the draws made so far (a Ctrl-C). */
  readonly shouldStop?: () => boolean;
  /**
   * MCMC: run the chains elsewhere (the CLI's worker threads; a browser app's web workers), on `threads`
   * threads. The draws are the same as in this thread.
   */
  readonly chains?: { readonly runner: ChainRunner; readonly threads: number };
}

export const OPTION_KEYS = ['engine', 'seed', 'draws', 'psis', 'backend', 'settings', 'hooks', 'runs', 'contrasts'] as const;
export const HOOK_KEYS: readonly (keyof InferHooks)[] = ['onProgress', 'shouldStop', 'chains'];

/** What infer() takes; `settings` typed by the engine chosen. */
export interface InferOptions<E extends EngineName = EngineName> {
  /** Default 'laplace' (nested Laplace; with a model compiled under ml or reml, lme4's likelihood). */
  readonly engine?: E;
  readonly seed?: number;
  /**
   * How many draws to return in all (default 4000), whatever the engine: MCMC splits them over its chains
   * (Stan's 4 x 1000 by default); under ML and REML there are estimates, and draws only when this is given.
   */
  readonly draws?: number;
  /** Reweight the draws of a Gaussian approximation by Pareto-smoothed importance sampling. */
  readonly psis?: boolean;
  readonly backend?: BackendName;
  /** The engine's own settings (docs/engines.md). */
  readonly settings?: EngineSettings[E];
  readonly hooks?: InferHooks;
  /** K fits with seeds seed..seed+K-1, pooled, with the run-to-run sd of every mean (default 1). */
  readonly runs?: number;
  /** Scalar functions of the parameters to report with P(> 0), written as in a generated block: `beta["A"] - beta["B"]` (or `beta[A] - beta[B]`). */
  readonly contrasts?: readonly string[];
}
