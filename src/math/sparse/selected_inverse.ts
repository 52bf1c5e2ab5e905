import type { NumericFactor } from './numeric.js';
import { denseInverse } from './dense.js';

/**
 * The entries of A^-1 on L's pattern (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975; Rue & Martino
 * 2007 sec. 2): with Z = (L L')^-1, for each column j from the last,
 *   Z(i, j) = -1/L(j, j) sum_{k in R} L(k, j) Z(i, k),   i in R = the rows of L's column j below j,
 *   Z(j, j) = 1/L(j, j) (1/L(j, j) - sum_{k in R} L(k, j) Z(k, j)),
 * and every Z(i, k) the sums need lies on L's pattern (its columns are closed under the elimination
 * tree), so nothing else is computed: about the cost of the factorisation. The dense tail's block of Z is
 * the inverse of its Schur complement, computed densely.
 * Returns Z on the sparse columns (aligned with sym.Li) and the tail's block (row-major).
 */
export function selectedInverse(f: NumericFactor): { Zx: Float64Array; Ztt: Float64Array } {
  const { n, nS, tail, Lp, Li } = f.sym;
  const { Lx } = f;
  const Ztt = denseInverse(f.Ltt, tail);
  const Zx = new Float64Array(Li.length);
  const w = new Float64Array(n);
  const acc = new Float64Array(n);
  const stamp = new Int32Array(n).fill(-1);
  const tailRows: number[] = [];
  for (let j = nS - 1; j >= 0; j--) {
    const lo = Lp[j] + 1;
    const hi = Lp[j + 1];
    tailRows.length = 0;
    for (let p = lo; p < hi; p++) {
      const r = Li[p];
      w[r] = Lx[p];
      stamp[r] = j;
      if (r >= nS) tailRows.push(r);
    }
    // Pairs with a sparse column k in R: Z(r, k) for r >= k in R, stored in column k.
    for (let p = lo; p < hi; p++) {
      const k = Li[p];
      if (k >= nS) break;
      const wk = w[k];
      for (let q = Lp[k]; q < Lp[k + 1]; q++) {
        const r = Li[q];
        if (stamp[r] !== j) continue;
        const z = Zx[q];
        acc[r] += wk * z;
        if (r !== k) acc[k] += w[r] * z;
      }
    }
    // Pairs within the dense tail.
    for (const a of tailRows) {
      const ra = (a - nS) * tail - nS;
      let s = 0;
      for (const b of tailRows) s += w[b] * Ztt[ra + b];
      acc[a] += s;
    }
    const ljj = Lx[Lp[j]];
    let diag = 1 / ljj;
    for (let p = lo; p < hi; p++) {
      const r = Li[p];
      const z = -acc[r] / ljj;
      Zx[p] = z;
      diag -= Lx[p] * z;
      acc[r] = 0;
      stamp[r] = -1;
    }
    Zx[Lp[j]] = diag / ljj;
  }
  return { Zx, Ztt };
}
