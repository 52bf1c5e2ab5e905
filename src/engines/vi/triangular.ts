/**
 * Packed lower triangles for the full-rank family. The solves on row-held factors that the
 * families use to move between theta and the whitened coordinates of the Laplace Gaussian
 * (theta = center + L'^-1 w) are in src/math/triangular.ts.
 */
export { solveLower, solveLowerT } from '../../math/triangular.js';

/** Position of B[i][j] (j <= i) in a row-major packed lower triangle. */
export const packedIndex = (i: number, j: number): number => (i * (i + 1)) / 2 + j;

/** y = B e for a packed lower-triangular B. */
export function packedLowerTimes(B: Float64Array, offset: number, e: Float64Array): Float64Array {
  const d = e.length;
  const y = new Float64Array(d);
  let p = offset;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += B[p++] * e[j];
    y[i] = s;
  }
  return y;
}

/** x with B' x = e for a packed lower-triangular B (back substitution). */
export function packedLowerTSolve(B: Float64Array, offset: number, e: Float64Array): Float64Array {
  const d = e.length;
  const x = Float64Array.from(e);
  for (let i = d - 1; i >= 0; i--) {
    const row = offset + packedIndex(i, 0);
    x[i] /= B[row + i];
    const xi = x[i];
    for (let k = 0; k < i; k++) x[k] -= B[row + k] * xi;
  }
  return x;
}
