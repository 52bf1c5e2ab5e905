import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { makeField } from './field.js';
import { LaplaceMarginal } from './marginal.js';
import { maximiseMarginal } from './maximise.js';
import { startingPoint } from './start.js';
import { solveInner } from './inner.js';

/** Where the posterior sits, for a sampler's choices: theta and the latent field's curvature there. */
export interface PosteriorCentre {
  readonly theta: Float64Array;
  /** -d2 log p / dtheta_c^2 for each latent-field coordinate c (the field's conditional precisions). */
  readonly curvature: ReadonlyMap<number, number>;
}

/**
 * The hyperparameters at the mode of their Laplace marginal and the field at its conditional mode there
 * (the centre nested Laplace builds its grid around), or undefined when the model has no latent field or
 * the search fails: callers then keep their defaults.
 */
export function posteriorCentre(ld: LogDensity, rng: Rng): PosteriorCentre | undefined {
  try {
    const field = makeField(ld, 'posterior');
    if (field.x.length === 0) return undefined;
    const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
    const start = startingPoint(field, L, rng);
    const inner = field.outer.length > 0 ? maximiseMarginal(L, start.phi).point.inner : solveInner(field, start.phi, start.x);
    if ('failure' in inner) return undefined;
    const { colPtr } = field.hessian.pattern;
    return { theta: inner.theta, curvature: new Map(field.x.map((c, k) => [c, inner.hessian[colPtr[k]]])) };
  } catch {
    // No usable centre (no mode of the field, an improper direction, a search that breaks down): the
    // caller's default stands. The centre only informs a choice; it must never stop the engine asking.
    return undefined;
  }
}
