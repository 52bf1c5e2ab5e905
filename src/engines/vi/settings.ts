import { userError } from '../../core/errors.js';
import type { Estimator } from './family.js';
import type { OptimizerName } from './optimizer.js';

export interface ViSettings {
  readonly recipe: 'glimmer' | 'tfp';
  readonly optimizer: OptimizerName;
  /** The learning rate (in whitened coordinates when init = 'mode'). */
  readonly lr: number;
  /** The step limit; without averaging, exactly this many steps. */
  readonly steps: number;
  /** Monte Carlo draws per step, evaluated in one batched call. */
  readonly mcDraws: number;
  readonly init: 'mode' | 'random';
  /** Polyak-Ruppert averaging with the convergence rule of schedule.ts; false: the last iterate of `steps` steps at lr. */
  readonly average: boolean;
  readonly estimator: Estimator;
  /** The sds of a random start (TFP: 0.01). */
  readonly initScale: number;
  /** Steps per window of the smoothed ELBO. */
  readonly window: number;
  /** Target Monte Carlo standard error of the averaged means (posterior sds) and log sds. */
  readonly tol: number;
}

/**
 * Glimmer's defaults, from the measurements in docs/engines.md: the Laplace start, 16 draws per step
 * (vi-notes: 8-32), Adam at 0.05 in whitened coordinates, averaging until the MCSE is 0.02 sd.
 */
export const DEFAULT_VI: ViSettings = {
  recipe: 'glimmer', optimizer: 'adam', lr: 0.05, steps: 10000, mcDraws: 16, init: 'mode', average: true,
  estimator: 'stl', initScale: 0.01, window: 50, tol: 0.02,
};

/**
 * The TFP tutorial's recipe, to rerun it: a factored Gaussian from a random start (means U(-2, 2), sds
 * 0.01), Adam at 1e-2, 10,000 steps of 2 draws with the ordinary reparameterization gradient, and the
 * last iterate.
 */
export const TFP_RECIPE: ViSettings = {
  ...DEFAULT_VI, recipe: 'tfp', lr: 1e-2, steps: 10000, mcDraws: 2, init: 'random', average: false, estimator: 'entropy',
};

const bad = (key: string, value: unknown, want: string) =>
  userError('E410', `invalid VI setting ${key} = ${JSON.stringify(value)}`, { hint: `${key} must be ${want} (see docs/engines.md)` });

function pick<T extends string>(raw: Readonly<Record<string, unknown>>, key: string, choices: readonly T[]): T | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw bad(key, v, `one of ${choices.join(', ')}`);
  return v as T;
}

/** A positive number, or with `integer` a positive integer; strings are accepted for callers that pass raw text. */
function num(raw: Readonly<Record<string, unknown>>, key: string, integer: boolean): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw bad(key, v, integer ? 'an integer >= 1' : 'a number > 0');
  }
  return n;
}

/**
 * The VI settings from the engine-specific settings of the API or CLI: a recipe, then individual
 * settings over it. infer() has already refused keys that are not VI's (E421).
 */
export function parseViSettings(raw: Readonly<Record<string, unknown>>): ViSettings {
  const recipe = pick(raw, 'viRecipe', ['glimmer', 'tfp'] as const) ?? 'glimmer';
  const base = recipe === 'tfp' ? TFP_RECIPE : DEFAULT_VI;
  const average = raw.average;
  if (average !== undefined && typeof average !== 'boolean') throw bad('average', average, 'true or false');
  return {
    ...base,
    optimizer: pick(raw, 'optimizer', ['adam', 'sgd'] as const) ?? base.optimizer,
    lr: num(raw, 'lr', false) ?? base.lr,
    steps: num(raw, 'steps', true) ?? base.steps,
    mcDraws: num(raw, 'mcDraws', true) ?? base.mcDraws,
    init: pick(raw, 'init', ['mode', 'random'] as const) ?? base.init,
    average: average ?? base.average,
    estimator: pick(raw, 'estimator', ['stl', 'entropy'] as const) ?? base.estimator,
  };
}
