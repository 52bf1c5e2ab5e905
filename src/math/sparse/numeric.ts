import type { Symbolic } from './symbolic.js';
import { denseBackward, denseCholesky, denseForward, denseInverse } from './dense.js';
import { selectedInverse } from './selected_inverse.js';

/** The numeric factor L of P A P' = L L': sparse leading columns, a dense trailing block. */
export interface NumericFactor {
  readonly sym: Symbolic;
  /** Values of L's sparse columns, aligned with sym.Li (the diagonal first in each column). */
  readonly Lx: Float64Array;
  /** The dense trailing block's factor, row-major, tail x tail. */
  readonly Ltt: Float64Array;
  readonly logDet: number;
  /** min over pivots of d_k / A_kk: how much of each diagonal entry survived elimination (1e-16: nothing but rounding). */
  readonly minPivotRatio: number;
}

/**
 * Up-looking Cholesky (Davis 2006 sec. 4.2, cs_chol) over the sparse pivots: row k of L solves
 * L(:k, :k) y = A(:k, k) along row k's reach, its columns in topological order. For a row of the dense
 * tail the same sweep over the sparse columns leaves, at the tail's positions of the work vector,
 * exactly that row of the Schur complement A_tt - L_ts L_ts', which the dense kernel then factorises.
 */
export function factorNumeric(sym: Symbolic, values: Float64Array): NumericFactor | { notPositiveDefinite: number } {
  const { n, nS, tail, rowPtr, rowCol, rowSrc, Lp, Li, reachPtr, reachIdx, reachPos, perm } = sym;
  const Lx = new Float64Array(Li.length);
  const filled = Int32Array.from(Lp.subarray(0, nS), (p) => p + 1);
  const x = new Float64Array(n);
  const Ltt = new Float64Array(tail * tail);
  let logDet = 0;
  let minPivotRatio = Infinity;
  const tailDiagonal = new Float64Array(tail);
  for (let k = 0; k < n; k++) {
    for (let q = rowPtr[k]; q < rowPtr[k + 1]; q++) x[rowCol[q]] += values[rowSrc[q]];
    let d = x[k];
    const diagonal = d;
    x[k] = 0;
    for (let q = reachPtr[k]; q < reachPtr[k + 1]; q++) {
      const j = reachIdx[q];
      const lkj = x[j] / Lx[Lp[j]];
      x[j] = 0;
      const end = filled[j];
      for (let p = Lp[j] + 1; p < end; p++) x[Li[p]] -= Lx[p] * lkj;
      d -= lkj * lkj;
      Lx[reachPos[q]] = lkj;
      filled[j] = end + 1;
    }
    if (k < nS) {
      if (!(d > 0) || !Number.isFinite(d)) return { notPositiveDefinite: perm[k] };
      const lkk = Math.sqrt(d);
      Lx[Lp[k]] = lkk;
      logDet += 2 * Math.log(lkk);
      minPivotRatio = Math.min(minPivotRatio, d / diagonal);
    } else {
      tailDiagonal[k - nS] = diagonal;
      const r = (k - nS) * tail;
      for (let t = nS; t < k; t++) {
        Ltt[r + t - nS] = x[t];
        x[t] = 0;
      }
      Ltt[r + k - nS] = d;
    }
  }
  const bad = denseCholesky(Ltt, tail);
  if (bad >= 0) return { notPositiveDefinite: perm[nS + bad] };
  for (let i = 0; i < tail; i++) {
    logDet += 2 * Math.log(Ltt[i * tail + i]);
    minPivotRatio = Math.min(minPivotRatio, Ltt[i * tail + i] ** 2 / tailDiagonal[i]);
  }
  return { sym, Lx, Ltt, logDet, minPivotRatio };
}

/** y <- L^-1 y in place (permuted coordinates). */
export function forward(f: NumericFactor, y: Float64Array): void {
  const { nS, tail, Lp, Li } = f.sym;
  const { Lx } = f;
  for (let j = 0; j < nS; j++) {
    const yj = (y[j] /= Lx[Lp[j]]);
    if (yj === 0) continue;
    for (let p = Lp[j] + 1; p < Lp[j + 1]; p++) y[Li[p]] -= Lx[p] * yj;
  }
  denseForward(f.Ltt, tail, y, nS);
}

/** y <- L'^-1 y in place (permuted coordinates). */
export function backward(f: NumericFactor, y: Float64Array): void {
  const { nS, tail, Lp, Li } = f.sym;
  const { Lx } = f;
  denseBackward(f.Ltt, tail, y, nS);
  for (let j = nS - 1; j >= 0; j--) {
    let s = y[j];
    for (let p = Lp[j] + 1; p < Lp[j + 1]; p++) s -= Lx[p] * y[Li[p]];
    y[j] = s / Lx[Lp[j]];
  }
}

export { denseInverse, selectedInverse };
