import type { Rng } from '../../core/rng.js';
import { initialPoint } from '../init_point.js';
import { makeField, pick, type Field } from './field.js';
import { solveInner } from './inner.js';
import type { LaplaceMarginal } from './marginal.js';

/**
 * Where the outer optimisation starts. Hyperparameters at 0 on their unconstrained scale (sds 1,
 * correlations 0), or at the first finite point init_point.ts finds; under ML the fixed effects are
 * first fitted jointly with the random effects by Newton's method with the hyperparameters held there
 * (a penalised GLM, lme4's start in spirit): from beta = 0 the random effects would absorb the
 * intercepts and the outer search would crawl along that ridge.
 */
export function startingPoint(field: Field, L: LaplaceMarginal, rng: Rng): { phi: Float64Array; x: Float64Array } {
  const { ld } = field;
  const init = initialPoint(ld, rng, { first: new Float64Array(ld.dim) });
  const phi = pick(init.theta, field.outer);
  const x = pick(init.theta, field.x);
  L.reset(x);
  if (field.mode !== 'ml' || (ld.linear ?? []).length === 0) return { phi, x };
  const joint = makeField(ld, 'reml');
  const sol = solveInner(joint, pick(init.theta, joint.outer), pick(init.theta, joint.x));
  if ('failure' in sol || !sol.converged) return { phi, x };
  const xs = pick(sol.theta, field.x);
  L.reset(xs);
  return { phi: pick(sol.theta, field.outer), x: xs };
}
