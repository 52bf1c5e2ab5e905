import { InferenceError } from '../../core/errors.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { evaluate, type Position } from './integrator.js';

/** Stan's MAX_INIT_TRIES. */
const MAX_TRIES = 100;

/** Stan's default: each unconstrained coordinate uniform on (-radius, radius). */
export const INIT_RADIUS = 2;

function isUsable(p: Position): boolean {
  return Number.isFinite(p.logp) && p.grad.every(Number.isFinite);
}

/**
 * Stan's random initialisation (services/util/initialize.hpp): theta ~ U(-2, 2) per coordinate, drawn from the
 * chain's own stream, retried up to 100 times until the log density and its gradient are finite.
 */
export function randomInit(ld: LogDensity, rng: Rng, radius = INIT_RADIUS): Position {
  for (let t = 0; t < MAX_TRIES; t++) {
    const q = Float64Array.from({ length: ld.dim }, () => radius * (2 * rng.uniform() - 1));
    const p = evaluate(ld, q);
    if (isUsable(p)) return p;
  }
  throw new InferenceError('E510', `no initial value with a finite log density and gradient in ${MAX_TRIES} tries of U(-${radius}, ${radius})`,
    'check that the priors and the data allow parameters of ordinary size on the unconstrained scale');
}
