import type { SymmetricPattern } from '../../core/log_density.js';
import { minimumDegree, naturalOrder, type Ordering } from './ordering.js';
import { symbolic } from './symbolic.js';
import { backward, factorNumeric, forward, type NumericFactor } from './numeric.js';
import { selectedInverse } from './selected_inverse.js';

/**
 * Sparse Cholesky for the latent field's Hessian: fill-reducing order (ordering.ts), symbolic analysis
 * once per pattern (symbolic.ts), up-looking numeric factorisation with a dense trailing block
 * (numeric.ts, dense.ts), solves, draws and the selected inverse (selected_inverse.ts), all float64.
 *
 * Written here rather than taken from npm: the registry's sparse Cholesky packages (a few JavaScript
 * ports of small textbook codes, last published years ago) have no fill-reducing ordering beyond
 * reverse Cuthill-McKee, no selected inversion and no dense kernels; the established libraries
 * (CHOLMOD, CSparse) are GPL/LGPL C code, which an MIT project cannot ship as a port.
 */
export type { SymmetricPattern };

export interface CholeskyFactor {
  /** log det A. */
  readonly logDet: number;
  /** min over pivots of d_k / A_kk: near 1e-16, A is singular to double precision and logDet is rounding noise. */
  readonly minPivotRatio: number;
  /** A^-1 b in the original ordering (b is not modified). */
  solve(b: Float64Array): Float64Array;
  /** x with x ~ N(0, A^-1) when z ~ N(0, I): P' L^-T z in the original ordering. */
  drawFromStandard(z: Float64Array): Float64Array;
  /** The entries of A^-1 on the pattern given to analyseCholesky (lower triangle, aligned with its rowIdx). */
  selectedInverse(): Float64Array;
  /** diag(A^-1) in the original ordering. */
  inverseDiagonal(): Float64Array;
}

export interface CholeskySymbolic {
  readonly n: number;
  /** perm[k] = original index of the k-th pivot. */
  readonly perm: Int32Array;
  /** Nonzeros of L: the sparse columns' and the dense tail's lower triangle. */
  readonly nnzL: number;
  /** Multiply-adds of one factorisation (sum over sparse columns of their count squared, plus tail^3 / 3). */
  readonly flops: number;
  /** Size of the dense trailing block. */
  readonly denseTail: number;
  /** Never throws for a matrix that is not positive definite: returns the original index of the failing pivot. */
  factor(values: Float64Array): CholeskyFactor | { readonly notPositiveDefinite: number };
}

/**
 * `ordering`: minimum degree ('auto'), the identity ('natural'), or a given one (a pattern that extends
 * another by a few dense rows reuses that one's order with them appended to its tail).
 */
export function analyseCholesky(pattern: SymmetricPattern, options: { ordering?: 'auto' | 'natural' | Ordering } = {}): CholeskySymbolic {
  const given = options.ordering;
  const order = given === 'natural' ? naturalOrder(pattern.n) : given === undefined || given === 'auto' ? minimumDegree(pattern) : given;
  const sym = symbolic(pattern, order);
  return {
    n: pattern.n,
    perm: sym.perm,
    nnzL: sym.Li.length + (sym.tail * (sym.tail + 1)) / 2,
    flops: sym.flops,
    denseTail: sym.tail,
    factor(values: Float64Array) {
      const f = factorNumeric(sym, values);
      return 'notPositiveDefinite' in f ? f : wrap(f, pattern);
    },
  };
}

function wrap(f: NumericFactor, pattern: SymmetricPattern): CholeskyFactor {
  const { n, perm } = f.sym;
  let inverse: { Zx: Float64Array; Ztt: Float64Array } | undefined;
  // Plain loops: Float64Array.from with a callback costs several times more on these hot paths.
  const permute = (b: Float64Array): Float64Array => {
    const y = new Float64Array(n);
    for (let k = 0; k < n; k++) y[k] = b[perm[k]];
    return y;
  };
  const unpermute = (y: Float64Array): Float64Array => {
    const x = new Float64Array(n);
    for (let k = 0; k < n; k++) x[perm[k]] = y[k];
    return x;
  };
  const selected = (): { Zx: Float64Array; Ztt: Float64Array } => (inverse ??= selectedInverse(f));
  return {
    logDet: f.logDet,
    minPivotRatio: f.minPivotRatio,
    solve(b) {
      const y = permute(b);
      forward(f, y);
      backward(f, y);
      return unpermute(y);
    },
    drawFromStandard(z) {
      const y = Float64Array.from(z);
      backward(f, y);
      return unpermute(y);
    },
    selectedInverse() {
      const { Zx, Ztt } = selected();
      const target = f.sym.slotTarget;
      return Float64Array.from({ length: pattern.rowIdx.length }, (_, p) => (target[p] >= 0 ? Zx[target[p]] : Ztt[-1 - target[p]]));
    },
    inverseDiagonal() {
      const { Zx, Ztt } = selected();
      const { nS, tail, Lp } = f.sym;
      const d = new Float64Array(n);
      for (let k = 0; k < n; k++) d[perm[k]] = k < nS ? Zx[Lp[k]] : Ztt[(k - nS) * tail + (k - nS)];
      return d;
    },
  };
}
