import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { INIT_RADIUS, initialPoint } from '../init_point.js';
import type { Position } from './integrator.js';

export { INIT_RADIUS };

/**
 * Stan's random initialisation: theta ~ U(-2, 2) per coordinate, drawn from the chain's own stream,
 * retried up to 100 times until the log density and its gradient are finite (init_point.ts).
 */
export function randomInit(ld: LogDensity, rng: Rng, radius = INIT_RADIUS): Position {
  const p = initialPoint(ld, rng, { radius });
  return { q: p.theta, logp: p.value, grad: p.grad };
}
