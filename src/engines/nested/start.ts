import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { initialPoint } from '../init_point.js';
import { makeField, pick, type Field } from './field.js';
import { solveInner } from './inner.js';
import type { LaplaceMarginal } from './marginal.js';

/**
 * Rounds of "fit the field, then each hyperparameter alone": two bring every scale near its estimate when
 * the data are near unit scale; each round moves a log scale by at most MAX_STEP, so data in the 1e5s
 * (a residual sd of 1e3: log 6.9) need three or four. The rounds stop as soon as nothing moves.
 */
const ROUNDS = 2;
const COORDINATE_STEPS = 6;
/** A step on a log scale of more than this (a factor of 20) is capped: the next round corrects it. */
const MAX_STEP = 3;

/**
 * Where the outer optimisation starts, in the spirit of lme4's start and of a few EM iterations: from
 * the first finite point init_point.ts finds (all unconstrained parameters 0: sds 1; a count model's
 * fixed effects at their Poisson GLM estimate, compiler/latent/count_start.ts), the whole field
 * (random and fixed effects) is fitted by Newton's method with the hyperparameters held, then each
 * hyperparameter is moved alone to maximise the joint density with the field held (a scale goes to the
 * size of its effects, a residual sd to the size of the residuals), and again. A sleepstudy-like model
 * (sds 25 and 6, residual sd 25 on a scale where the start says 1) then needs a third of the outer
 * iterations. Under ML the fixed effects found this way start the outer search too.
 */
export function startingPoint(field: Field, L: LaplaceMarginal, rng: Rng): { phi: Float64Array; x: Float64Array } {
  const { ld } = field;
  // The fixed effects from the compiler's closed-form guess where it has one (count_start.ts), else 0.
  const first = new Float64Array(ld.dim);
  for (const [c, v] of ld.countStart?.() ?? []) first[c] = v;
  const init = initialPoint(ld, rng, { first });
  let theta: Float64Array = Float64Array.from(init.theta);
  const joint = field.mode === 'ml' && (ld.linear ?? []).length > 0 ? makeField(ld, 'reml', field) : field;
  for (let round = 0; round < ROUNDS && joint.x.length > 0; round++) {
    const sol = solveInner(joint, pick(theta, joint.outer), pick(theta, joint.x));
    if ('failure' in sol || !sol.converged) break;
    const moved = tuneHyperparameters(ld, joint.outer, sol.theta);
    theta = moved.theta;
    if (!moved.changed) break;
  }
  const x = pick(theta, field.x);
  L.reset(x);
  return levelScales(field, L, pick(theta, field.outer), x);
}

/**
 * Each log-scale moved level with each of the others, kept where the Laplace marginal is higher. The
 * coordinate-wise moves above hold the field, which for a non-centred block (u = sd z) holds z: a sd of
 * 1 with z near 2,000 cannot grow, as u would grow with it, and the search would start with the random
 * effects' sd 1 beside a residual sd in the thousands, on the plateau where L is level in both. The
 * marginal does not depend on the parametrisation; level scales are lme4's start (theta = sd / sigma = 1).
 * A centred block's scale is not raised: moved alone it goes to the size of its effects
 * (tuneHyperparameters), and a probe far from there (a patient sd raised to a negative binomial's
 * dispersion) costs an inner solve for nothing. Every other log-scale (a non-centred block's, a residual
 * sd, one the compiler does not describe) is.
 */
function levelScales(field: Field, L: LaplaceMarginal, phi: Float64Array, x: Float64Array): { phi: Float64Array; x: Float64Array } {
  const names = field.ld.thetaNames;
  const logs = field.outer.flatMap((c, j) => (names[c].startsWith('log(') ? [j] : []));
  if (logs.length < 2) return { phi, x };
  const centred = new Set((field.ld.hierarchies ?? []).filter((h) => h.written === 'centred').flatMap((h) => h.scales));
  const raised = logs.filter((j) => !centred.has(field.outer[j]));
  if (raised.length === 0) return { phi, x };
  let best = L.at(phi, x);
  if ('failure' in best) return { phi, x };
  for (const j of raised) {
    for (const k of logs) {
      // Only a scale far below another (a factor of 20) can sit on the plateau; raising it is the probe.
      if (k === j || !(best.inner.phi[k] - best.inner.phi[j] > 3)) continue;
      const trial = Float64Array.from(best.inner.phi);
      trial[j] = trial[k];
      const at = L.at(trial, best.inner.x);
      if (!('failure' in at) && at.value > best.value + 1e-6) best = at;
    }
  }
  L.reset(best.inner.x);
  return { phi: Float64Array.from(best.inner.phi), x: Float64Array.from(best.inner.x) };
}

/**
 * Each outer coordinate alone: Newton steps on f along it (the exact gradient, its derivative by a central
 * difference), capped, kept only where f rises. Returns the moved point and whether anything moved.
 */
function tuneHyperparameters(ld: LogDensity, coords: readonly number[], start: Float64Array): { theta: Float64Array; changed: boolean } {
  const theta = Float64Array.from(start);
  let current = ld.valueAndGrad(theta);
  let changed = false;
  for (const c of coords) {
    const from = theta[c];
    // After the first step the curvature is the secant's between the last two points (Newton's from the
    // second step on needs it to first order only): one gradient a step instead of three.
    let previous: { at: number; grad: number } | undefined;
    for (let step = 0; step < COORDINATE_STEPS; step++) {
      const g = current.grad[c];
      let curvature = previous ? -(g - previous.grad) / (theta[c] - previous.at) : NaN;
      // Where the secant is not a curvature (f not concave between the points), the difference at the point.
      if (!(curvature > 0 && Number.isFinite(curvature))) {
        const h = 1e-4;
        const [plus, minus] = [h, -h].map((d) => {
          const t = Float64Array.from(theta);
          t[c] += d;
          return t;
        });
        const [gp, gm] = ld.valueAndGradBatch([plus, minus]);
        curvature = -(gp.grad[c] - gm.grad[c]) / (2 * h);
      }
      if (!Number.isFinite(g) || !(curvature > 0) || !Number.isFinite(curvature)) break;
      // At most MAX_STEP up from where this round began, and 1 down: a scale chasing its shrunken effects
      // towards 0 (the joint density's funnel; EM's slow drift with few groups) goes no further per round.
      const delta = Math.max(from - 1 - theta[c], Math.min(from + MAX_STEP - theta[c], g / curvature));
      if (Math.abs(delta) < 1e-3) break;
      const trial = Float64Array.from(theta);
      trial[c] += delta;
      const next = ld.valueAndGrad(trial);
      if (!(next.value > current.value)) break;
      previous = { at: theta[c], grad: g };
      theta[c] = trial[c];
      current = next;
      changed = true;
    }
  }
  return { theta, changed };
}
