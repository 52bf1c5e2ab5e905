/**
 * The Cholesky factor L (lower, L L' = A) of a symmetric matrix given by rows, and whether A is positive
 * definite. The arithmetic, term for term, of ml-matrix's CholeskyDecomposition (JAMA's), which this
 * replaces for the dense NUTS metric so that a NUTS run does not load ml-matrix: the same factor to the
 * last bit, so `--dense` keeps its draws.
 */
export function cholesky(a: readonly Float64Array[]): { L: Float64Array[]; positiveDefinite: boolean } {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) if (a[i][j] !== a[j][i]) throw new Error('Matrix is not symmetric');
  }
  const L = Array.from({ length: n }, () => new Float64Array(n));
  let positiveDefinite = true;
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += L[k][i] * L[j][i];
      s = (a[j][k] - s) / L[k][k];
      L[j][k] = s;
      d = d + s * s;
    }
    d = a[j][j] - d;
    positiveDefinite &&= d > 0;
    L[j][j] = Math.sqrt(Math.max(d, 0));
  }
  return { L, positiveDefinite };
}
