import { warning, type EngineWarning } from '../../core/warning.js';
import { InferenceError } from '../../core/errors.js';
import type { Field } from './field.js';
import type { LaplaceMarginal } from './marginal.js';
import type { OuterMode } from './optimize.js';
import type { OuterCovariance } from './covariance.js';

const fmt = (v: number): string => String(Number(v.toPrecision(3)));

/** How far a probe looks along a fixed effect, in its standard errors (or scales where there is none). */
const PROBE_SES = 10;

/**
 * Throws E507 when the likelihood has no maximum along a fixed effect: 10 standard errors further out it
 * is still higher than at the estimate. That is complete (or quasi-complete) separation in a binary model:
 * the optimizer stops somewhere on a slope that rises for ever (lme4 then prints a huge estimate with a
 * huge SE, glm() a warning about fitted probabilities 0 or 1).
 */
export function separationCheck(field: Field, L: LaplaceMarginal, mode: OuterMode, outer: OuterCovariance): void {
  const linear = new Set(field.ld.linear ?? []);
  const bounded = new Set(field.ld.boundedFixedEffects?.() ?? []);
  const names = field.ld.thetaNames;
  field.outer.forEach((c, j) => {
    if (!linear.has(c) || bounded.has(c)) return;
    const se = Math.sqrt(outer.covariance[j][j]);
    const step = PROBE_SES * (Number.isFinite(se) && se > 0 ? Math.max(se, mode.scale[j]) : Math.max(1, mode.scale[j]));
    for (const sign of [1, -1]) {
      const phi = Float64Array.from(mode.phi);
      phi[j] += sign * step;
      const at = L.at(phi, mode.point.inner.x);
      if ('failure' in at || !(at.value >= mode.point.value - 1e-6)) continue;
      L.reset(mode.point.inner.x);
      // Level to within 1e-6 (quasi-complete separation: the slope has flattened out) is no maximum either.
      const d = at.value - mode.point.value;
      throw new InferenceError('E507', `the likelihood has no maximum: it ${d > 1e-6 ? `rises by ${fmt(d)}` : 'stays level (to within 1e-6)'} from the estimate ` +
        `'${names[c]}' = ${fmt(mode.phi[j])} to ${fmt(phi[j])} and on, so no finite estimate exists`,
        'this is complete separation: a covariate (or a combination) predicts the 0/1 response perfectly, and maximum likelihood ' +
        'sends its coefficient to infinity. Drop --ml for a Bayesian fit with a Normal prior on it (a formula\'s default Normal(0, 10) keeps it finite; ' +
        'a Cauchy or Student-t prior leaves its posterior without a mean), or remove the separating covariate');
    }
    L.reset(mode.point.inner.x);
  });
}

/**
 * lme4's "boundary (singular) fit" for the parameters at zero (boundaryCoordinates), and a dispersion
 * estimated at infinity; both are reported without an SE.
 */
export function boundaryWarnings(field: Field, mode: OuterMode, outer: OuterCovariance): EngineWarning[] {
  const names = field.ld.names;
  const { atZero, atInfinity } = boundaryCoordinates(field, mode, outer);
  const out: EngineWarning[] = [];
  if (atZero.length > 0) out.push(warning('singular-fit', {}, atZero.map((c) => names[c])));
  if (atInfinity.length > 0) {
    const items = atInfinity.map((c) => ({ name: names[c], estimate: Math.exp(mode.phi[field.outer.indexOf(c)]) }));
    out.push(warning('at-infinity', { items }, items.map((i) => i.name)));
  }
  return out;
}

/**
 * The outer coordinates at the edge of their range. At zero: a log-scale far down (below -9), or below 0
 * with L so flat along it that its log is unknown to +-10 (an observation-level sd of 1e-3 in a Bernoulli
 * model, SE 0.33), or a direction the outer Hessian calls flat. At infinity: a log-scale above 9 (a
 * dispersion of 8,000) whose log is unknown to +-3 (a negative binomial without overdispersion).
 */
export function boundaryCoordinates(field: Field, mode: OuterMode, outer: OuterCovariance): { atZero: number[]; atInfinity: number[] } {
  const linear = new Set(field.ld.linear ?? []);
  const flatCoords = outer.flat.map((f) => field.outer[f.vector.reduce((b, v, i, a) => (Math.abs(v) > Math.abs(a[b]) ? i : b), 0)]);
  const isLog = (c: number): boolean => !linear.has(c) && field.ld.thetaNames[c].startsWith('log(');
  const curvature = (j: number): number => -mode.hessian[j][j];
  const atInfinity = field.outer.filter((c, j) => isLog(c) && mode.phi[j] > 9 && !(curvature(j) > 0.1));
  const down = field.outer.filter((c, j) => isLog(c) && mode.phi[j] < 0 && !(curvature(j) > 1e-2));
  const atZero = [...new Set([...down, ...flatCoords])].filter((c) => !atInfinity.includes(c));
  return { atZero, atInfinity };
}
