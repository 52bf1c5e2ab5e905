import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InferenceError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { solveLowerT } from '../../math/triangular.js';

/** N(mean, P^-1) with the precision P = L L' held by its Cholesky factor, all float64. */
export interface Gaussian {
  readonly mean: Float64Array;
  /** Lower-triangular Cholesky factor of the precision. */
  readonly L: Float64Array[];
  /** sum(log diag L) - d/2 log(2 pi): the log normaliser. */
  readonly logNorm: number;
}

export function gaussianFromPrecision(mean: Float64Array, precision: Float64Array[], names: readonly string[]): Gaussian {
  const P = new Matrix(precision.map((r) => Array.from(r)));
  const chol = new CholeskyDecomposition(P);
  if (!chol.isPositiveDefinite()) {
    // Name the coordinates of the flattest direction: that is where the model is unidentified.
    const eig = new EigenvalueDecomposition(P, { assumeSymmetric: true });
    const values = eig.realEigenvalues;
    const k = values.indexOf(Math.min(...values));
    const v = eig.eigenvectorMatrix.getColumn(k);
    const top = v.map((x, i) => [Math.abs(x), i]).sort((a, b) => b[0] - a[0]).slice(0, 3).map(([, i]) => `'${names[i]}'`);
    throw new InferenceError('E503', 'the posterior is not locally Gaussian at the mode: the Hessian is not negative definite',
      `curvature ${(-values[k]).toPrecision(3)} along a direction mostly of ${top.join(', ')}; a parameter may be unidentified or its prior improper`);
  }
  const Lm = chol.lowerTriangularMatrix;
  const L = Array.from({ length: mean.length }, (_, i) => Float64Array.from(Lm.getRow(i)));
  let logNorm = -0.5 * mean.length * Math.log(2 * Math.PI);
  for (let i = 0; i < mean.length; i++) logNorm += Math.log(L[i][i]);
  return { mean, L, logNorm };
}

/** A draw and its log density under the Gaussian: theta = mean + L'^-1 z, log q = logNorm - |z|^2 / 2. */
export function drawGaussian(g: Gaussian, rng: Rng): { theta: Float64Array; logq: number } {
  const d = g.mean.length;
  const z = new Float64Array(d);
  let zz = 0;
  for (let i = 0; i < d; i++) {
    z[i] = rng.normal();
    zz += z[i] * z[i];
  }
  const x = solveLowerT(g.L, z);
  for (let i = 0; i < d; i++) x[i] += g.mean[i];
  return { theta: x, logq: g.logNorm - 0.5 * zz };
}

/** Marginal standard deviations: diag(P^-1)_j = |L^-1 e_j|^2, by forward substitution. */
export function marginalSds(g: Gaussian): Float64Array {
  const d = g.mean.length;
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const e = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < i; k++) s -= g.L[i][k] * e[k];
      e[i] = s / g.L[i][i];
    }
    let ss = 0;
    for (let i = 0; i < d; i++) ss += e[i] * e[i];
    out[j] = ss;
  }
  return out.map(Math.sqrt);
}
