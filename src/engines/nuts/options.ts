import { userError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { ChainProgress } from '../../core/progress.js';
import { DEFAULT_INT_TIME } from './hmc.js';

/** What a run of the sampler is told; the defaults are Stan's. */
export interface NutsOptions {
  readonly engine: 'nuts' | 'hmc';
  readonly rng: Rng;
  readonly chains: number;
  readonly warmup: number;
  readonly drawsPerChain: number;
  readonly adaptDelta: number;
  readonly maxDepth: number;
  readonly dense: boolean;
  /**
   * How the model's hierarchies are sampled: each in the form that suits its data ('auto', reparam_choice.ts),
   * as the model writes them, or all centred / all non-centred. Every choice is the same posterior.
   */
  readonly parametrisation: Parametrisation;
  /** Static HMC only: the integration time T (L = T / eps steps). */
  readonly intTime: number;
  /** Called after every transition of every chain. */
  readonly onProgress?: (p: ChainProgress) => void;
  /** Polled after every transition: true stops every chain with the draws made so far (Ctrl-C). */
  readonly shouldStop?: () => boolean;
}

export const PARAMETRISATIONS = ['auto', 'as-written', 'centred', 'non-centred'] as const;
export type Parametrisation = (typeof PARAMETRISATIONS)[number];

export const NUTS_DEFAULTS = { chains: 4, warmup: 1000, drawsPerChain: 1000, adaptDelta: 0.8, maxDepth: 10, dense: false } as const;

function intSetting(settings: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number): number {
  const v = settings[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw userError('E420', `the ${key} setting must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

/**
 * Validated sampler options from the API's common options and engine settings (a mistake here is the
 * user's: exit 2). The shared `draws` counts all draws, for every engine: MCMC splits it over the chains
 * (rounded up, so a run returns at least `draws`); the default 4000 is Stan's 4 chains x 1000. The CLI,
 * whose --draws is per chain as in Stan, passes `drawsPerChain` in the settings instead.
 */
export function nutsOptions(engine: 'nuts' | 'hmc', draws: number, settings: Readonly<Record<string, unknown>>, rng: Rng,
  callbacks: Pick<NutsOptions, 'onProgress' | 'shouldStop'> = {}): NutsOptions {
  const adaptDelta = settings.adaptDelta ?? NUTS_DEFAULTS.adaptDelta;
  if (typeof adaptDelta !== 'number' || !(adaptDelta > 0 && adaptDelta < 1)) {
    throw userError('E420', `adapt-delta must be a number strictly between 0 and 1, got ${String(adaptDelta)}`, { hint: 'values near 1 (0.95, 0.99) give smaller steps and fewer divergences' });
  }
  const intTime = settings.intTime ?? DEFAULT_INT_TIME;
  if (typeof intTime !== 'number' || !(intTime > 0)) throw userError('E420', `the intTime setting must be a positive number, got ${String(intTime)}`);
  const chains = intSetting(settings, 'chains', NUTS_DEFAULTS.chains, 1);
  const perChainFallback = Math.max(1, Math.ceil(draws / chains));
  return {
    engine,
    rng,
    chains,
    warmup: intSetting(settings, 'warmup', NUTS_DEFAULTS.warmup, 0),
    drawsPerChain: intSetting(settings, 'drawsPerChain', perChainFallback, 1),
    adaptDelta,
    maxDepth: intSetting(settings, 'maxDepth', NUTS_DEFAULTS.maxDepth, 1),
    dense: settings.dense === true,
    parametrisation: parametrisationSetting(settings.parametrisation),
    intTime,
    ...callbacks,
  };
}

function parametrisationSetting(v: unknown): Parametrisation {
  if (v === undefined) return 'auto';
  if (typeof v === 'string' && (PARAMETRISATIONS as readonly string[]).includes(v)) return v as Parametrisation;
  throw userError('E420', `the parametrisation must be one of ${PARAMETRISATIONS.join(', ')}, got ${String(v)}`,
    { hint: "'auto' samples each hierarchy centred where the data inform its groups strongly and non-centred where they do not" });
}
