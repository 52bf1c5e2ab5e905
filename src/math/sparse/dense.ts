/**
 * Dense kernels for the trailing block, row-major in one Float64Array (entry (i, j) at i * n + j), lower
 * triangle. Each inner loop is a dot product or an axpy over contiguous memory, unrolled by four: V8
 * keeps the four accumulators in registers, about twice the speed of the plain loop at n = 1000.
 */

/** Dot product of a[ai..ai+len) and b[bi..bi+len). */
function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += a[ai + k] * b[bi + k];
    s1 += a[ai + k + 1] * b[bi + k + 1];
    s2 += a[ai + k + 2] * b[bi + k + 2];
    s3 += a[ai + k + 3] * b[bi + k + 3];
  }
  for (; k < len; k++) s0 += a[ai + k] * b[bi + k];
  return s0 + s1 + s2 + s3;
}

/**
 * In-place Cholesky (Cholesky-Crout by rows: L(i, j) = (A(i, j) - L(i, :j) . L(j, :j)) / L(j, j)): each
 * entry is one contiguous dot product of two rows. Returns -1, or the first pivot that is not positive.
 */
export function denseCholesky(a: Float64Array, n: number): number {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      a[ri + j] = (a[ri + j] - dot(a, ri, a, rj, j)) / a[rj + j];
    }
    const d = a[ri + i] - dot(a, ri, a, ri, i);
    if (!(d > 0) || !Number.isFinite(d)) return i;
    a[ri + i] = Math.sqrt(d);
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return -1;
}

/** x <- L^-1 x in place (forward substitution, rows contiguous). */
export function denseForward(l: Float64Array, n: number, x: Float64Array, offset: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    x[offset + i] = (x[offset + i] - dot(l, ri, x, offset, i)) / l[ri + i];
  }
}

/** x <- L'^-1 x in place (back substitution by columns of L: an axpy along each row of L). */
export function denseBackward(l: Float64Array, n: number, x: Float64Array, offset: number): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = (x[offset + i] /= l[ri + i]);
    if (xi === 0) continue;
    for (let k = 0; k < i; k++) x[offset + k] -= l[ri + k] * xi;
  }
}

/**
 * (L L')^-1 in full, row-major: W = L^-1 by forward substitution row by row (W lower), then
 * Z = W' W, whose (i, j) entry is the dot product of columns i and j of W below max(i, j): with W
 * transposed into rows that is a contiguous dot product again.
 */
export function denseInverse(l: Float64Array, n: number): Float64Array {
  // Wt holds W' row-major: Wt(j, i) = W(i, j), nonzero for i >= j.
  const wt = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Column j of W: solve L w = e_j, w(i) = 0 for i < j.
    col.fill(0);
    col[j] = 1 / l[j * n + j];
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      col[i] = -dot(l, ri + j, col, j, i - j) / l[ri + i];
    }
    wt.set(col, j * n);
  }
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      // sum over k >= i of W(k, i) W(k, j) = Wt(i, k) Wt(j, k).
      const v = dot(wt, i * n + i, wt, j * n + i, n - i);
      z[i * n + j] = v;
      z[j * n + i] = v;
    }
  }
  return z;
}
