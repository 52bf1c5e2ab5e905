import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import type { LogDensity } from '../../core/log_density.js';

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
  split.outer.forEach((i, k) => (theta[i] = phi[k]));
  split.latent.forEach((i, k) => (theta[i] = u[k]));
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
 * and the outer finite differences divide L by steps near 1e-4: 1e-11 keeps that noise near 1e-7 in
 * the gradient. Newton converges quadratically, so the tolerance costs at most one more step; the
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

/** Fresh value, u-gradient and precision at (phi, u): 1 + 2|u| gradients in one batch. */
function curvatureAt(ld: LogDensity, split: Split, phi: Float64Array, u: Float64Array, scale: Float64Array):
  { value: number; gradU: Float64Array; precision: Float64Array[] } {
  const q = u.length;
  const centre = assemble(split, phi, u);
  const points = [centre];
  const steps = Float64Array.from(scale, (s) => H_REL * Math.min(s, 1));
  for (let j = 0; j < q; j++) {
    for (const sign of [1, -1]) {
      const p = Float64Array.from(centre);
      p[split.latent[j]] += sign * steps[j];
      points.push(p);
    }
  }
  const out = ld.valueAndGradBatch(points);
  const precision = Array.from({ length: q }, () => new Float64Array(q));
  for (let j = 0; j < q; j++) {
    const gp = out[1 + 2 * j].grad;
    const gm = out[2 + 2 * j].grad;
    for (let i = 0; i < q; i++) precision[i][j] = -(gp[split.latent[i]] - gm[split.latent[i]]) / (2 * steps[j]);
  }
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < i; j++) precision[i][j] = precision[j][i] = 0.5 * (precision[i][j] + precision[j][i]);
  }
  return { value: out[0].value, gradU: restrict(out[0].grad, split.latent), precision };
}

function restrict(grad: Float64Array, idx: readonly number[]): Float64Array {
  return Float64Array.from(idx, (i) => grad[i]);
}

const infNorm = (v: Float64Array): number => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, x, i) => s + x * b[i], 0);

/** Lower Cholesky factor of a symmetric matrix, or null when it is not positive definite. */
export function choleskyOf(P: Float64Array[]): Float64Array[] | null {
  if (P.length === 0) return [];
  const chol = new CholeskyDecomposition(new Matrix(P.map((r) => Array.from(r))));
  if (!chol.isPositiveDefinite()) return null;
  const L = chol.lowerTriangularMatrix;
  return Array.from({ length: P.length }, (_, i) => Float64Array.from(L.getRow(i)));
}

/** Solves L L' x = b. */
export function cholSolve(L: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i][k] * y[k];
    y[i] = s / L[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k][i] * y[k];
    y[i] = s / L[i][i];
  }
  return y;
}

/** The Newton step P^-1 g, damped by lambda I (Levenberg) while P is not positive definite (far from the mode). */
function newtonStep(P: Float64Array[], g: Float64Array): Float64Array {
  const scale = Math.max(1e-8, ...P.map((r, i) => Math.abs(r[i])));
  for (let lambda = 0; lambda <= 1e8 * scale; lambda = lambda === 0 ? 1e-8 * scale : lambda * 10) {
    const L = choleskyOf(P.map((r, i) => r.map((v, j) => v + (i === j ? lambda : 0))));
    if (L) return cholSolve(L, g);
  }
  return g.map((v) => v / scale);
}

/** Where an inner solve starts: the previous solution's u and precision (stale, but close). */
export interface WarmStart {
  readonly u: Float64Array;
  readonly precision?: Float64Array[];
}

/**
 * u-hat(phi) by Newton's method with a backtracking line search. Steps use the warm start's
 * precision while the gradient keeps shrinking fast (a chord method: the precision barely changes
 * between nearby phi); it is recomputed when progress slows, and always at the end, so that the
 * precision returned is the one at u-hat.
 */
export function solveInner(ld: LogDensity, split: Split, phi: Float64Array, start: WarmStart): InnerSolution {
  let u: Float64Array = Float64Array.from(start.u);
  let P = start.precision;
  let fresh = false;
  let evaluations = 0;
  const scale = Float64Array.from(u, (_, j) => (P ? 1 / Math.sqrt(Math.max(P[j][j], 1e-300)) : 1));
  const first = ld.valueAndGrad(assemble(split, phi, u));
  evaluations++;
  let value = first.value;
  let g = restrict(first.grad, split.latent);
  let steps = 0;
  let converged = false;
  let lastFreshStep = Infinity;
  for (let iter = 0; iter < MAX_STEPS && Number.isFinite(value); iter++) {
    if (!P) {
      const c = curvatureAt(ld, split, phi, u, scale);
      evaluations += 1 + 2 * u.length;
      ({ value, precision: P } = c);
      g = c.gradU;
      fresh = true;
      P.forEach((r, j) => (scale[j] = 1 / Math.sqrt(Math.max(r[j], 1e-300))));
    }
    const step = newtonStep(P, g);
    const size = infNorm(step);
    if (size <= STEP_TOL) {
      if (fresh) {
        converged = true;
        break;
      }
      P = undefined;
      continue;
    }
    if (fresh) {
      // Quadratic convergence has stopped: the steps are float64 rounding of the gradient (the floor).
      if (size < 1e-8 && size > 0.5 * lastFreshStep) {
        converged = true;
        break;
      }
      lastFreshStep = size;
    }
    const next = lineSearch(ld, split, phi, u, value, g, step);
    evaluations += next.evaluations;
    if (!next.accepted) {
      // At the float64 floor (no step improves f or the gradient), or a stale precision misleads.
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
    const c = curvatureAt(ld, split, phi, u, scale);
    evaluations += 1 + 2 * u.length;
    ({ value, precision: P } = c);
  }
  const precision = P ?? [];
  const chol = choleskyOf(precision);
  let logDet = -Infinity;
  if (chol) logDet = 2 * chol.reduce((s, r, i) => s + Math.log(r[i]), 0);
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
    const trial = u.map((v, j) => v + t * step[j]);
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
