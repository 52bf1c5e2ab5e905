import type { LogDensity } from '../../core/log_density.js';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { hessianFD } from './hessian.js';

const infNorm = (g: Float64Array): number => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * Polishes a mode with Newton steps on the float64 finite-difference Hessian. L-BFGS stops where
 * float32 noise in the value hides progress; a Newton step needs only the gradient, which float32
 * gives to 7e-6 relative, so it lands on the mode to within gradient noise / curvature.
 */
export function polishMode(ld: LogDensity, theta: Float64Array, steps = 3): { theta: Float64Array; grad: Float64Array; hessian: Float64Array[]; gradNorm: number } {
  let x = theta;
  let g = ld.valueAndGrad(x).grad;
  let H = hessianFD(ld, x);
  for (let s = 0; s < steps; s++) {
    const chol = new CholeskyDecomposition(new Matrix(H.map((r) => Array.from(r, (v) => -v))));
    if (!chol.isPositiveDefinite()) break;
    const step = chol.solve(Matrix.columnVector(Array.from(g))).getColumn(0);
    const next = x.map((v, i) => v + step[i]);
    const gNext = ld.valueAndGrad(next).grad;
    if (!(infNorm(gNext) < infNorm(g))) break;
    x = next;
    g = gNext;
    H = hessianFD(ld, x);
  }
  return { theta: x, grad: g, hessian: H, gradNorm: infNorm(g) };
}
