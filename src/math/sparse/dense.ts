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
 * In-place Cholesky (Cholesky-Crout by rows: L(i, j) = (A(i, j) - L(i, :j) . L(j, :j)) / L(j, j)). Rows
 * are taken in pairs and columns in pairs, so that one pass over k computes the four dot products of
 * rows (i, i + 1) with rows (j, j + 1): four loads feed four multiply-adds, where the plain loop needs two
 * loads for each (about 1.6x faster at n = 900 here). Returns -1, or the first pivot that is not positive.
 */
export function denseCholesky(a: Float64Array, n: number): number {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = i * n;
    const rk = ri + n;
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const rj = j * n;
      const rl = rj + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < j; k++) {
        const x0 = a[ri + k];
        const x1 = a[rk + k];
        const y0 = a[rj + k];
        const y1 = a[rl + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      const lij = (a[ri + j] - s00) / a[rj + j];
      const lkj = (a[rk + j] - s10) / a[rj + j];
      a[ri + j] = lij;
      a[rk + j] = lkj;
      a[ri + j + 1] = (a[ri + j + 1] - s01 - lij * a[rl + j]) / a[rl + j + 1];
      a[rk + j + 1] = (a[rk + j + 1] - s11 - lkj * a[rl + j]) / a[rl + j + 1];
    }
    for (; j < i; j++) {
      const rj = j * n;
      a[ri + j] = (a[ri + j] - dot(a, ri, a, rj, j)) / a[rj + j];
      a[rk + j] = (a[rk + j] - dot(a, rk, a, rj, j)) / a[rj + j];
    }
    const d = a[ri + i] - dot(a, ri, a, ri, i);
    if (!(d > 0) || !Number.isFinite(d)) return i;
    a[ri + i] = Math.sqrt(d);
    a[rk + i] = (a[rk + i] - dot(a, rk, a, ri, i)) / a[ri + i];
    const e = a[rk + i + 1] - dot(a, rk, a, rk, i + 1);
    if (!(e > 0) || !Number.isFinite(e)) return i + 1;
    a[rk + i + 1] = Math.sqrt(e);
  }
  for (; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      a[ri + j] = (a[ri + j] - dot(a, ri, a, rj, j)) / a[rj + j];
    }
    const d = a[ri + i] - dot(a, ri, a, ri, i);
    if (!(d > 0) || !Number.isFinite(d)) return i;
    a[ri + i] = Math.sqrt(d);
  }
  // The strict upper triangle is not part of L.
  for (let r = 0; r < n; r++) a.fill(0, r * n + r + 1, (r + 1) * n);
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
 * (L L')^-1 in full, row-major: W = L^-1 by forward substitution, two columns of W and two rows of L at a
 * time (four loads feed four multiply-adds), then Z = W' W, whose (i, j) entry is the dot product of
 * columns i and j of W from max(i, j) down: with W transposed into rows these are contiguous dot
 * products, taken four at a time for the pairs of rows (i, i + 1) x (j, j + 1). The odd row or column
 * at an edge goes through plain loops, so the paired loops carry no branches.
 */
export function denseInverse(l: Float64Array, n: number): Float64Array {
  // wt holds W' row-major: wt(j, i) = W(i, j), nonzero for i >= j.
  const wt = new Float64Array(n * n);
  for (let j = 0; j < n; j += 2) {
    const a = j * n;
    if (j + 1 >= n) {
      wt[a + j] = 1 / l[j * n + j];
      for (let i = j + 1; i < n; i++) wt[a + i] = -dot(l, i * n + j, wt, a + j, i - j) / l[i * n + i];
      break;
    }
    const b = a + n;
    wt[a + j] = 1 / l[j * n + j];
    wt[b + j + 1] = 1 / l[(j + 1) * n + j + 1];
    wt[a + j + 1] = -(l[(j + 1) * n + j] * wt[a + j]) / l[(j + 1) * n + j + 1];
    let i = j + 2;
    for (; i + 1 < n; i += 2) {
      // Rows i and i + 1 of L against columns j and j + 1 of W, over k in [j, i); row i + 1 then adds
      // its k = i term, which needs the W(i, .) just found.
      const ri = i * n;
      const rk = ri + n;
      let sa = 0;
      let sb = 0;
      let ta = 0;
      let tb = 0;
      for (let k = j; k < i; k++) {
        const wa = wt[a + k];
        const wb = wt[b + k];
        const li = l[ri + k];
        const lk = l[rk + k];
        sa += li * wa;
        sb += li * wb;
        ta += lk * wa;
        tb += lk * wb;
      }
      const wai = -sa / l[ri + i];
      const wbi = -sb / l[ri + i];
      wt[a + i] = wai;
      wt[b + i] = wbi;
      const lki = l[rk + i];
      wt[a + i + 1] = -(ta + lki * wai) / l[rk + i + 1];
      wt[b + i + 1] = -(tb + lki * wbi) / l[rk + i + 1];
    }
    for (; i < n; i++) {
      const ri = i * n;
      let sa = 0;
      let sb = 0;
      for (let k = j; k < i; k++) {
        const lk = l[ri + k];
        sa += lk * wt[a + k];
        sb += lk * wt[b + k];
      }
      wt[a + i] = -sa / l[ri + i];
      wt[b + i] = -sb / l[ri + i];
    }
  }
  const z = new Float64Array(n * n);
  const put = (i: number, j: number, v: number): void => {
    z[i * n + j] = v;
    z[j * n + i] = v;
  };
  const even = n - (n % 2);
  for (let i = 0; i < even; i += 2) {
    const ri = i * n;
    const rk = ri + n;
    for (let j = 0; j <= i; j += 2) {
      // Rows (i, i + 1) of wt against rows (j, j + 1), from column i + 1 on (where all four are live).
      const rj = j * n;
      const rl = rj + n;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = i + 1; k < n; k++) {
        const y0 = wt[rj + k];
        const y1 = wt[rl + k];
        const x0 = wt[ri + k];
        const x1 = wt[rk + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      // Column i itself (only row i of wt is live there).
      s00 += wt[ri + i] * wt[rj + i];
      s01 += wt[ri + i] * wt[rl + i];
      put(i, j, s00);
      put(i, j + 1, s01);
      put(i + 1, j, s10);
      put(i + 1, j + 1, s11);
    }
  }
  if (even < n) {
    // The last row (n odd): its dot products with every row of wt, from column n - 1 on.
    const i = n - 1;
    for (let j = 0; j <= i; j++) put(i, j, wt[i * n + i] * wt[j * n + i]);
  }
  return z;
}
