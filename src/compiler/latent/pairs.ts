import type { SymmetricPattern } from '../../core/log_density.js';

/**
 * The lower-triangle pattern of the (row, col) pairs (either triangle, repeats allowed, the diagonal always
 * present) and, for each pair, the slot its value adds into: how the latent Hessian's assembly finds
 * where each row's contribution goes without a search per evaluation.
 */
export function patternOfPairs(n: number, rows: Int32Array, cols: Int32Array): { pattern: SymmetricPattern; slot: Int32Array } {
  const m = rows.length;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    // Lower triangle: the larger index is the row.
    lo[k] = Math.min(rows[k], cols[k]);
    hi[k] = Math.max(rows[k], cols[k]);
  }
  // Bucket by column (one diagonal slot each, then the pairs), then sort each column's rows and drop repeats.
  const start = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) start[j + 1] = 1;
  for (let k = 0; k < m; k++) start[lo[k] + 1]++;
  for (let j = 0; j < n; j++) start[j + 1] += start[j];
  const fill = Int32Array.from(start.subarray(0, n));
  const byCol = new Int32Array(start[n]);
  const owner = new Int32Array(start[n]).fill(-1);
  for (let j = 0; j < n; j++) {
    byCol[fill[j]] = j;
    fill[j]++;
  }
  for (let k = 0; k < m; k++) {
    byCol[fill[lo[k]]] = hi[k];
    owner[fill[lo[k]]] = k;
    fill[lo[k]]++;
  }
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  const slot = new Int32Array(m);
  for (let j = 0; j < n; j++) {
    const idx = Array.from({ length: start[j + 1] - start[j] }, (_, t) => start[j] + t).sort((a, b) => byCol[a] - byCol[b]);
    let last = -1;
    for (const t of idx) {
      if (byCol[t] !== last) {
        rowIdx.push(byCol[t]);
        last = byCol[t];
      }
      if (owner[t] >= 0) slot[owner[t]] = rowIdx.length - 1;
    }
    colPtr[j + 1] = rowIdx.length;
  }
  return { pattern: { n, colPtr, rowIdx: Int32Array.from(rowIdx) }, slot };
}
