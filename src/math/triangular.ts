/**
 * Triangular solves on a lower-triangular L held as rows (L[i][j], j <= i), float64: the engines
 * draw from and whiten by Gaussians held as Cholesky factors (Laplace, VI, a dense NUTS metric).
 */

/** x with L x = b (forward substitution). */
export function solveLower(L: readonly Float64Array[], b: Float64Array): Float64Array {
  const d = b.length;
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const row = L[i];
    let s = b[i];
    for (let k = 0; k < i; k++) s -= row[k] * x[k];
    x[i] = s / row[i];
  }
  return x;
}

/** x with L' x = b (back substitution). */
export function solveLowerT(L: readonly Float64Array[], b: Float64Array): Float64Array {
  const d = b.length;
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < d; k++) s -= L[k][i] * x[k];
    x[i] = s / L[i][i];
  }
  return x;
}
