import type { LogDensity } from '../core/log_density.js';
import type { Rng } from '../core/rng.js';
import type { EngineResult } from '../engines/result.js';
import { runLaplace } from '../engines/laplace/run.js';
import { runMarginalLaplace } from '../engines/laplace/marginal.js';
import { runVi } from '../engines/vi/run.js';
import { parseViSettings } from '../engines/vi/settings.js';
import { runNuts } from '../engines/nuts/run.js';
import { nutsOptions } from '../engines/nuts/options.js';

/** What every engine is given besides the log density. */
export interface CommonOptions {
  readonly rng: Rng;
  readonly draws: number;
  readonly psis: boolean;
  /** Engine-specific settings from the API or CLI (e.g. { chains: 4 }), validated by the engine. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * The engines by name. Each is a function of the log-density interface only; results come back in
 * theta and the API maps them to named, constrained quantities. Add an engine by adding a line.
 */
export const ENGINE_RUNNERS = {
  // settings.marginal (set by --marginal, and by --ml): integrate the random effects out, as lme4 does.
  laplace: (ld: LogDensity, o: CommonOptions): EngineResult | Promise<EngineResult> =>
    (o.settings.marginal ? runMarginalLaplace(ld, { draws: o.draws, rng: o.rng }) : runLaplace(ld, { draws: o.draws, rng: o.rng, psis: o.psis })),
  advi: (ld: LogDensity, o: CommonOptions): EngineResult => runVi(ld, 'meanfield', { draws: o.draws, rng: o.rng, psis: o.psis, settings: parseViSettings(o.settings) }),
  fullrank: (ld: LogDensity, o: CommonOptions): EngineResult => runVi(ld, 'fullrank', { draws: o.draws, rng: o.rng, psis: o.psis, settings: parseViSettings(o.settings) }),
  // MCMC reads `draws` per chain; the untouched default 4000 becomes Stan's 1000 per chain (see nuts/options.ts).
  nuts: (ld: LogDensity, o: CommonOptions): EngineResult => runNuts(ld, nutsOptions('nuts', o.draws, o.settings, o.rng)),
  hmc: (ld: LogDensity, o: CommonOptions): EngineResult => runNuts(ld, nutsOptions('hmc', o.draws, o.settings, o.rng)),
} as const;

export type EngineName = keyof typeof ENGINE_RUNNERS;
export const ENGINES = Object.keys(ENGINE_RUNNERS) as EngineName[];
