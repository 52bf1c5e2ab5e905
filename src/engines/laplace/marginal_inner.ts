import type { LogDensity } from '../../core/log_density.js';
import { cholesky, cholSolve, dampedCholesky, dot, infNorm, logDetOf } from './marginal_linalg.js';
import type { Coloring } from './marginal_sparsity.js';

/**
 * The inner problem of the marginal Laplace approximation: for fixed outer parameters phi, the
 * conditional mode u-hat(phi) = argmax_u f(phi, u) of the latent coordinates and the precision
 * -H_uu there, all in float64.
 */

/** theta split into the outer coordinates phi and the latent coordinates u (ld.latent). */
export interface Split {
  readonly dim: number;
  readonly outer: readonly number[];
  readonly latent: readonly number[];
}

export function splitOf(ld: LogDensity): Split {
  const isLatent = new Set(ld.latent);
  const outer = Array.from({ length: ld.dim }, (_, i) => i).filter((i) => !isLatent.has(i));
  return { dim: ld.dim, outer, latent: [...ld.latent] };
}

export function assemble(split: Split, phi: Float64Array, u: Float64Array): Float64Array {
  const theta = new Float64Array(split.dim);
  for (let k = 0; k < phi.length; k++) theta[split.outer[k]] = phi[k];
  for (let k = 0; k < u.length; k++) theta[split.latent[k]] = u[k];
  return theta;
}

/** The conditional mode at one phi and what the Laplace marginal needs from it. */
export interface InnerSolution {
  readonly u: Float64Array;
  /** f(phi, u-hat). */
  readonly value: number;
  /** The precision -H_uu at u-hat, by central differences of exact gradients. */
  readonly precision: Float64Array[];
  /** log det(-H_uu), from its Cholesky factor; -Infinity when -H_uu is not positive definite. */
  readonly logDet: number;
  /** The lower Cholesky factor of -H_uu (empty when it is not positive definite). */
  readonly chol: Float64Array[];
  readonly newtonSteps: number;
  readonly gradientEvaluations: number;
  /** False when the iteration cap or a stalled line search ended the solve before the tolerance. */
  readonly converged: boolean;
}

/**
 * Newton steps stop when the step inf-norm is below this. L's error from an unconverged u is first
 * order in the step through log det(-H_uu(u)) (d log det / du = tr(P^-1 dP/du), O(1) for log links),
 * and the outer finite differences divide L by steps of 1e-3 conditional sd (~1e-4 for ZEB2): 1e-11
 * keeps that noise near 1e-7 in the gradient. Newton converges quadratically, so the tolerance costs at most one more step; the
 * float64 floor is |gradient rounding| / curvature, near 1e-14 for ZEB2.
 */
const STEP_TOL = 1e-11;
const MAX_STEPS = 100;
/**
 * Relative step of the u-Hessian's central differences, in units of each coordinate's conditional sd
 * (1/sqrt(P_jj), capped at 1): truncation (h / l)^2 and rounding eps |g| / (h P_jj) are then both
 * near 1e-11 for a log link (l ~ 1). The sds come from the previous precision (warm start).
 */
const H_REL = 1e-4;

/** What an inner solve needs besides phi: the density, the split and how to difference the u-Hessian. */
export interface InnerProblem {
  readonly ld: LogDensity;
  readonly split: Split;
  /** Columns of H_uu differenced together (see marginal_sparsity.ts); dense until the pattern is known. */
  coloring: Coloring;
}

/**
 * Fresh value, u-gradient and precision at (phi, u): 1 + 2 x (number of column groups) gradients in
 * one batch (1 + 2|u| when dense). Column j of the differences is read only on its pattern's rows.
 */
function curvatureAt(problem: InnerProblem, phi: Float64Array, u: Float64Array, scale: Float64Array):
  { value: number; gradU: Float64Array; precision: Float64Array[]; evaluations: number } {
  const { ld, split, coloring } = problem;
  const q = u.length;
  const centre = assemble(split, phi, u);
  const points = [centre];
  const steps = Float64Array.from(scale, (s) => H_REL * Math.min(s, 1));
  for (const group of coloring.groups) {
    for (const sign of [1, -1]) {
      const p = Float64Array.from(centre);
      for (const j of group) p[split.latent[j]] += sign * steps[j];
      points.push(p);
    }
  }
  const out = ld.valueAndGradBatch(points);
  const precision = Array.from({ length: q }, () => new Float64Array(q));
  coloring.groups.forEach((group, g) => {
    const gp = out[1 + 2 * g].grad;
    const gm = out[2 + 2 * g].grad;
    for (const j of group) {
      for (const i of coloring.rows[j]) precision[i][j] = -(gp[split.latent[i]] - gm[split.latent[i]]) / (2 * steps[j]);
    }
  });
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < i; j++) precision[i][j] = precision[j][i] = 0.5 * (precision[i][j] + precision[j][i]);
  }
  return { value: out[0].value, gradU: restrict(out[0].grad, split.latent), precision, evaluations: points.length };
}

/** The precision at (phi, u) differenced with `coloring` (the dense one checks a sparse pattern), steps scaled by `reference`. */
export function precisionAt(problem: InnerProblem, phi: Float64Array, u: Float64Array, reference: Float64Array[], coloring: Coloring): Float64Array[] {
  const scale = Float64Array.from(reference, (r, j) => 1 / Math.sqrt(Math.max(r[j], 1e-300)));
  return curvatureAt({ ...problem, coloring }, phi, u, scale).precision;
}

function restrict(grad: Float64Array, idx: readonly number[]): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = grad[idx[k]];
  return out;
}

/** Where an inner solve starts: the previous solution's u and precision (stale, but close). */
export interface WarmStart {
  readonly u: Float64Array;
  readonly precision?: Float64Array[];
  /** Cholesky factor of `precision` (positive definite), reused for the chord steps. */
  readonly chol?: Float64Array[];
}

/**
 * u-hat(phi) by Newton's method with a backtracking line search. Steps use the warm start's
 * precision while the gradient keeps shrinking fast (a chord method: the precision barely changes
 * between nearby phi); it is recomputed when progress slows, and always at the end, so that the
 * precision returned is the one at u-hat.
 */
export function solveInner(problem: InnerProblem, phi: Float64Array, start: WarmStart): InnerSolution {
  const { ld, split } = problem;
  let u: Float64Array = Float64Array.from(start.u);
  let P = start.precision;
  let factor = P ? (start.chol && start.chol.length === P.length ? start.chol : dampedCholesky(P)) : undefined;
  let fresh = false;
  let evaluations = 1;
  const scale = new Float64Array(u.length).fill(1);
  const setScale = (M: Float64Array[]): void => M.forEach((r, j) => (scale[j] = 1 / Math.sqrt(Math.max(r[j], 1e-300))));
  if (P) setScale(P);
  const first = ld.valueAndGrad(assemble(split, phi, u));
  let value = first.value;
  let g = restrict(first.grad, split.latent);
  let steps = 0;
  let converged = false;
  let lastFreshStep = Infinity;
  for (let iter = 0; iter < MAX_STEPS && Number.isFinite(value); iter++) {
    if (!P || !factor) {
      const c = curvatureAt(problem, phi, u, scale);
      evaluations += c.evaluations;
      ({ value, precision: P } = c);
      g = c.gradU;
      factor = dampedCholesky(P);
      fresh = true;
      setScale(P);
    }
    const step = cholSolve(factor, g);
    const size = infNorm(step);
    if (size <= STEP_TOL || (fresh && size < 1e-8 && size > 0.5 * lastFreshStep)) {
      // Converged, or at the float64 floor (quadratic convergence has stopped: the steps are the
      // rounding of the gradient). Either is final only on a precision computed here.
      if (fresh) {
        converged = true;
        break;
      }
      P = undefined;
      continue;
    }
    if (fresh) lastFreshStep = size;
    const next = lineSearch(ld, split, phi, u, value, g, step);
    evaluations += next.evaluations;
    if (!next.accepted) {
      // No step improves f or the gradient: at the floor, or a stale precision misleads.
      if (fresh) break;
      P = undefined;
      continue;
    }
    const shrink = infNorm(next.g) / Math.max(infNorm(g), 1e-300);
    ({ u, value, g } = next);
    steps++;
    fresh = false;
    // A chord step with a good precision cuts the gradient by orders of magnitude; if it does not, refresh.
    if (shrink > 1e-2) P = undefined;
  }
  if (!fresh) {
    const c = curvatureAt(problem, phi, u, scale);
    evaluations += c.evaluations;
    ({ value, precision: P } = c);
  }
  const precision = P ?? [];
  const chol = cholesky(precision);
  const logDet = chol ? logDetOf(chol) : -Infinity;
  return { u, value, precision, logDet, chol: chol ?? [], newtonSteps: steps, gradientEvaluations: evaluations, converged };
}

/**
 * Backtracking along the Newton direction: accept the first t (1, 1/2, ...) with sufficient increase
 * (Armijo, c = 1e-4), or, where the change of f is below float64 resolution, a smaller gradient.
 */
function lineSearch(ld: LogDensity, split: Split, phi: Float64Array, u: Float64Array, value: number, g: Float64Array, step: Float64Array):
  { accepted: boolean; u: Float64Array; value: number; g: Float64Array; evaluations: number } {
  const slope = dot(g, step);
  const resolution = 1e-13 * (1 + Math.abs(value));
  let evaluations = 0;
  for (let t = 1; t > 1e-10; t /= 2) {
    const trial = new Float64Array(u.length);
    for (let j = 0; j < u.length; j++) trial[j] = u[j] + t * step[j];
    const r = ld.valueAndGrad(assemble(split, phi, trial));
    evaluations++;
    if (!Number.isFinite(r.value)) continue;
    const gT = restrict(r.grad, split.latent);
    const gain = r.value - value;
    if (gain >= 1e-4 * t * slope) return { accepted: true, u: trial, value: r.value, g: gT, evaluations };
    if (Math.abs(gain) <= resolution && infNorm(gT) < infNorm(g)) return { accepted: true, u: trial, value: r.value, g: gT, evaluations };
  }
  return { accepted: false, u, value, g, evaluations };
}
