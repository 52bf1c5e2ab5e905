// TEMPORARY dense stand-in with the sparse module's API (replaced by the real module from branch `sparse`).
import type { SymmetricPattern } from '../../core/log_density.js';
export type { SymmetricPattern };

export interface CholeskyFactor {
  readonly logDet: number;
  solve(b: Float64Array): Float64Array;
  drawFromStandard(z: Float64Array): Float64Array;
  selectedInverse(): Float64Array;
  inverseDiagonal(): Float64Array;
}

export interface CholeskySymbolic {
  readonly n: number;
  readonly perm: Int32Array;
  readonly nnzL: number;
  readonly flops: number;
  factor(values: Float64Array): CholeskyFactor | { readonly notPositiveDefinite: number };
}

export function analyseCholesky(pattern: SymmetricPattern): CholeskySymbolic {
  const n = pattern.n;
  return {
    n, perm: Int32Array.from({ length: n }, (_, i) => i), nnzL: (n * (n + 1)) / 2, flops: n ** 3 / 3,
    factor(values: Float64Array) {
      const L = Array.from({ length: n }, () => new Float64Array(n));
      for (let j = 0; j < n; j++) for (let k = pattern.colPtr[j]; k < pattern.colPtr[j + 1]; k++) L[pattern.rowIdx[k]][j] = values[k];
      let logDet = 0;
      for (let j = 0; j < n; j++) {
        let d = L[j][j];
        for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
        if (!(d > 0)) return { notPositiveDefinite: j };
        const s = Math.sqrt(d);
        L[j][j] = s;
        logDet += 2 * Math.log(s);
        for (let i = j + 1; i < n; i++) {
          let v = L[i][j];
          for (let k = 0; k < j; k++) v -= L[i][k] * L[j][k];
          L[i][j] = v / s;
        }
      }
      const lower = (b: Float64Array): Float64Array => {
        const x = Float64Array.from(b);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < i; k++) x[i] -= L[i][k] * x[k];
          x[i] /= L[i][i];
        }
        return x;
      };
      const upper = (b: Float64Array): Float64Array => {
        const x = Float64Array.from(b);
        for (let i = n - 1; i >= 0; i--) {
          for (let k = i + 1; k < n; k++) x[i] -= L[k][i] * x[k];
          x[i] /= L[i][i];
        }
        return x;
      };
      const inverse = (): Float64Array[] => Array.from({ length: n }, (_, j) => upper(lower(Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)))));
      return {
        logDet,
        solve: (b) => upper(lower(b)),
        drawFromStandard: (z) => upper(z),
        selectedInverse: () => {
          const inv = inverse();
          const out = new Float64Array(pattern.rowIdx.length);
          for (let j = 0; j < n; j++) for (let k = pattern.colPtr[j]; k < pattern.colPtr[j + 1]; k++) out[k] = inv[j][pattern.rowIdx[k]];
          return out;
        },
        inverseDiagonal: () => Float64Array.from(inverse(), (c, j) => c[j]),
      };
    },
  };
}
