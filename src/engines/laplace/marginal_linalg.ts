/**
 * Dense Cholesky for the inner problem's precision, in plain float64 loops. The marginal Laplace
 * factors one |u| x |u| precision per evaluation of L (thousands per fit); profiling ZEB2 showed
 * ml-matrix's object construction costing more than the log density itself, so the hot path stays
 * on Float64Array rows. (ml-matrix still does the one-off outer eigendecomposition.)
 */

/** Lower factor L with L L' = P + shift I, or null when that is not positive definite. */
export function cholesky(P: readonly Float64Array[], shift = 0): Float64Array[] | null {
  const n = P.length;
  const L = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const Li = L[i];
    for (let j = 0; j <= i; j++) {
      const Lj = L[j];
      let s = P[i][j] + (i === j ? shift : 0);
      for (let k = 0; k < j; k++) s -= Li[k] * Lj[k];
      if (i === j) {
        if (!(s > 0)) return null;
        Li[i] = Math.sqrt(s);
      } else {
        Li[j] = s / Lj[j];
      }
    }
  }
  return L;
}

/** Solves L L' x = b. */
export function cholSolve(L: readonly Float64Array[], b: Float64Array): Float64Array {
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

/** log det(L L') = 2 sum log L_ii. */
export function logDetOf(L: readonly Float64Array[]): number {
  let s = 0;
  for (let i = 0; i < L.length; i++) s += Math.log(L[i][i]);
  return 2 * s;
}

/**
 * A factor for Newton steps: of P itself when it is positive definite, else of P + lambda I with
 * lambda raised tenfold from 1e-8 max|P_ii| (Levenberg damping, far from the mode), else of a
 * multiple of I (a gradient step).
 */
export function dampedCholesky(P: readonly Float64Array[]): Float64Array[] {
  let scale = 1e-8;
  for (let i = 0; i < P.length; i++) scale = Math.max(scale, Math.abs(P[i][i]));
  for (let lambda = 0; lambda <= 1e8 * scale; lambda = lambda === 0 ? 1e-8 * scale : lambda * 10) {
    const L = cholesky(P, lambda);
    if (L) return L;
  }
  return Array.from({ length: P.length }, (_, i) => {
    const row = new Float64Array(P.length);
    row[i] = Math.sqrt(scale);
    return row;
  });
}

export function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
