/**
 * Small dense linear algebra for tests that compute closed forms independently of src/ (which uses
 * ml-matrix and its own solvers): a Cholesky factor and the solve with it.
 */
export function cholesky(A: readonly (readonly number[])[]): number[][] {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j && !(s > 0)) throw new Error('matrix not positive definite');
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  return L;
}

/** A^-1 b from A's Cholesky factor L (A = L L'). */
export function cholSolve(L: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const z = [...b];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) z[i] -= L[i][k] * z[k];
    z[i] /= L[i][i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) z[i] -= L[k][i] * z[k];
    z[i] /= L[i][i];
  }
  return z;
}
