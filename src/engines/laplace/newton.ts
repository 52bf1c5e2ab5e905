import type { LogDensity } from '../../core/log_density.js';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { hessianFD } from './hessian.js';
import { GRAD_TOL } from './mode.js';

const infNorm = (g: Float64Array): number => g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Solves (P + lambda I) step = g for the precision P = -H, raising lambda until the matrix is positive definite. */
function dampedNewtonStep(H: Float64Array[], g: Float64Array): Float64Array {
  const scale = Math.max(1e-8, ...H.map((r, i) => Math.abs(r[i])));
  for (let lambda = 0; ; lambda = lambda === 0 ? 1e-8 * scale : lambda * 10) {
    const P = H.map((r, i) => Array.from(r, (v, j) => -v + (i === j ? lambda : 0)));
    const chol = new CholeskyDecomposition(new Matrix(P));
    if (chol.isPositiveDefinite()) return Float64Array.from(chol.solve(Matrix.columnVector(Array.from(g))).getColumn(0));
    if (lambda > 1e8 * scale) return g.map((v) => v / scale);
  }
}

export interface Polished {
  readonly theta: Float64Array;
  readonly grad: Float64Array;
  readonly hessian: Float64Array[];
  /** Inf-norm of the gradient where the polish stopped. */
  readonly gradNorm: number;
  readonly steps: number;
}

/**
 * Newton steps on the float64 finite-difference Hessian, accepted when the gradient norm falls.
 * L-BFGS stops where float32 noise in the value hides progress; a Newton step needs only the
 * gradient, which float32 gives to 7e-6 relative, so it lands on the mode to within gradient
 * noise / curvature. Far from the mode (a ridge L-BFGS gave up on) the step is damped and halved.
 */
export function polishMode(ld: LogDensity, theta: Float64Array, maxSteps = 30): Polished {
  let x = theta;
  let g = ld.valueAndGrad(x).grad;
  let H = hessianFD(ld, x);
  let steps = 0;
  while (steps < maxSteps) {
    const step = dampedNewtonStep(H, g);
    let accepted = false;
    for (let t = 1; t > 1e-3; t /= 2) {
      const next = x.map((v, i) => v + t * step[i]);
      const r = ld.valueAndGrad(next);
      if (Number.isFinite(r.value) && infNorm(r.grad) < infNorm(g)) {
        x = next;
        g = r.grad;
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
    steps++;
    H = hessianFD(ld, x);
    if (infNorm(g) < GRAD_TOL) break;
  }
  return { theta: x, grad: g, hessian: H, gradNorm: infNorm(g), steps };
}
