import type { LogDensity } from '../core/log_density.js';
import type { Rng } from '../core/rng.js';
import type { EngineResult } from '../engines/result.js';
import { runLaplace } from '../engines/laplace/run.js';

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
  laplace: (ld: LogDensity, o: CommonOptions): EngineResult | Promise<EngineResult> =>
    runLaplace(ld, { draws: o.draws, rng: o.rng, psis: o.psis }),
} as const;

export type EngineName = keyof typeof ENGINE_RUNNERS;
export const ENGINES = Object.keys(ENGINE_RUNNERS) as EngineName[];
