import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InferenceError } from '../../core/errors.js';

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
export function outerCovariance(H: Float64Array[], scale: Float64Array, names: readonly string[] = []): OuterCovariance {
  const p = H.length;
  // Curvature past the doubles (a covariate of 1e20, a count of 1e11 against an exposure of 1) has no
  // eigendecomposition: say where, rather than fail inside the linear algebra.
  const bad = H.findIndex((r, i) => !Number.isFinite(scale[i]) || r.some((v) => !Number.isFinite(v)));
  if (bad >= 0) {
    throw new InferenceError('E518', `the curvature of the likelihood at the estimate is not finite${names[bad] ? ` along '${names[bad]}'` : ''}: the data hold values too large for its derivatives in double precision`,
      'look for extreme values in the data (a covariate in the 1e15s, a count far beyond its exposure) and rescale or correct them');
  }
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

