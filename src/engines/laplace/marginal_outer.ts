import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InferenceError } from '../../core/errors.js';
import { lbfgs, type LbfgsResult } from '../../math/lbfgs.js';
import type { LaplaceMarginal, MarginalPoint } from './marginal_objective.js';

/** The outer maximisation of the Laplace marginal L(phi) and the curvature at its maximum. */

export interface OuterEstimate {
  readonly phi: Float64Array;
  readonly point: MarginalPoint;
  /** Central-difference gradient of L at phi. */
  readonly grad: Float64Array;
  /** Hessian of L (second differences), at the L-BFGS estimate (at phi if the Newton polish moved far). */
  readonly hessian: Float64Array[];
  readonly scale: Float64Array;
  readonly lbfgs: LbfgsResult;
  readonly newtonSteps: number;
}

/** L-BFGS stops on this inf-norm of the gradient; the Newton polish that follows takes it to the noise floor. */
const GRAD_TOL = 1e-5;
const POLISH_STEPS = 5;

/**
 * Maximises L with L-BFGS from phi0, computes the Hessian there, then takes Newton steps on that
 * Hessian (L-BFGS stalls where finite-difference noise hides progress in L; Newton needs only the
 * gradient). The Hessian is recomputed if the polish moved phi by more than a tenth of a standard error.
 */
export function maximiseMarginal(marginal: LaplaceMarginal, phi0: Float64Array, maxIterations: number): OuterEstimate {
  const res = runLbfgs(marginal, phi0, maxIterations);
  let phi = res.x;
  let current = marginal.valueAndGrad(phi);
  let hessian = marginal.hessian(phi, current.point, current.scale);
  let moved = 0;
  let steps = 0;
  for (; steps < POLISH_STEPS; steps++) {
    const step = newtonStep(hessian, current.grad, current.scale);
    // In units of the conditional sds (no larger than the standard errors).
    const relative = step.reduce((m, v, i) => Math.max(m, Math.abs(v) / current.scale[i]), 0);
    if (!(relative > 1e-5)) break;
    const next = Float64Array.from(phi, (v, i) => v + step[i]);
    const trial = marginal.valueAndGrad(next);
    if (!(trial.value >= current.value - 1e-9 * (1 + Math.abs(current.value)))) break;
    phi = next;
    current = trial;
    moved += relative;
  }
  if (moved > 0.1) hessian = marginal.hessian(phi, current.point, current.scale);
  return { phi, point: current.point, grad: current.grad, hessian, scale: current.scale, lbfgs: res, newtonSteps: steps };
}

function runLbfgs(marginal: LaplaceMarginal, phi0: Float64Array, maxIterations: number): LbfgsResult {
  const objective = (phi: Float64Array): { value: number; grad: Float64Array } => {
    const r = marginal.valueAndGrad(phi);
    return { value: Number.isFinite(r.value) ? -r.value : Infinity, grad: r.grad.map((v) => -v) };
  };
  try {
    return lbfgs(objective, phi0, { maxIterations, gradTol: GRAD_TOL, relTol: 1e-15 });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new InferenceError('E501', 'the Laplace marginal is not finite at the starting point',
        'check that priors and constraints allow the starting values (all unconstrained parameters at 0)');
    }
    throw e;
  }
}

/**
 * Eigenvalues of the sd-scaled precision D (-H) D (D = the conditional sds, so that its diagonal is
 * near 1 whatever the units) at or below this fraction of the largest are flat: the second
 * differences resolve curvature to about 1e-5 in these units, so below 1e-6 the sign is noise. A
 * variance at its boundary lands here (its curvature in log sd vanishes with the sd).
 */
const FLAT = 1e-6;

/** Eigenpairs of D (-H) D (ascending). */
function scaledEigen(H: Float64Array[], scale: Float64Array): { values: number[]; vectors: Float64Array[] } {
  const P = new Matrix(H.map((r, i) => Array.from(r, (v, j) => -v * scale[i] * scale[j])));
  const e = new EigenvalueDecomposition(P, { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  return { values: e.realEigenvalues, vectors: e.realEigenvalues.map((_, k) => Float64Array.from(V.getColumn(k))) };
}

export interface OuterCovariance {
  /** (-H)^-1, or its pseudo-inverse on the positive subspace when some directions are flat. */
  readonly covariance: Float64Array[];
  /** Flat or upward-curving directions (in sd-scaled coordinates) with their scaled precision. */
  readonly flat: readonly { readonly precision: number; readonly vector: Float64Array }[];
  /** Columns w_k = D v_k / sqrt(lambda_k): covariance = sum_k w_k w_k' (for draws). */
  readonly factor: readonly Float64Array[];
  /** Smallest and largest eigenvalues of the scaled precision. */
  readonly extremes: readonly [number, number];
}

/**
 * The covariance of phi-hat, (-H)^-1, by eigendecomposition of the scaled precision. Directions where
 * -H is not positive (a boundary estimate such as a variance at 0, or an unidentified parameter) are
 * left out (a pseudo-inverse: no uncertainty is claimed along them) and reported in `flat`.
 */
export function outerCovariance(H: Float64Array[], scale: Float64Array): OuterCovariance {
  const p = H.length;
  const { values, vectors } = scaledEigen(H, scale);
  const lmax = Math.max(...values, 0);
  const covariance = Array.from({ length: p }, () => new Float64Array(p));
  const flat: { precision: number; vector: Float64Array }[] = [];
  const factor: Float64Array[] = [];
  values.forEach((l, k) => {
    const v = vectors[k];
    if (!(l > FLAT * lmax)) {
      flat.push({ precision: l, vector: v });
      return;
    }
    const w = v.map((x, i) => (x * scale[i]) / Math.sqrt(l));
    factor.push(w);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) covariance[i][j] += w[i] * w[j];
  });
  return { covariance, flat, factor, extremes: [Math.min(...values), lmax] };
}

/** The Newton step (-H)^+ g: flat directions stay put. */
function newtonStep(H: Float64Array[], g: Float64Array, scale: Float64Array): Float64Array {
  const { covariance } = outerCovariance(H, scale);
  return Float64Array.from(covariance, (r) => r.reduce((s, c, j) => s + c * g[j], 0));
}
