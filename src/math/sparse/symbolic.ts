import type { SymmetricPattern } from '../../core/log_density.js';
import type { Ordering } from './ordering.js';

/**
 * The symbolic Cholesky factorisation of P A P' (P from ordering.ts), done once per pattern: L's pattern
 * for the sparse leading columns, each row's reach in topological order (what the up-looking numeric
 * phase walks, Davis 2006 sec. 4.1), and where every entry of A goes. The last `tail` pivots form a
 * dense block: the numeric phase gathers their Schur complement and factorises it with dense kernels.
 */
export interface Symbolic {
  readonly n: number;
  readonly perm: Int32Array;
  /** Sparse leading pivots (nS = n - tail). */
  readonly nS: number;
  readonly tail: number;
  /** Row form of the permuted lower triangle: row k's columns c <= k and each entry's slot in the input. */
  readonly rowPtr: Int32Array;
  readonly rowCol: Int32Array;
  readonly rowSrc: Int32Array;
  /** L's sparse columns (0..nS-1), CSC, diagonal first, rows ascending (they include tail rows). */
  readonly Lp: Int32Array;
  readonly Li: Int32Array;
  /** Row k's reach in the sparse columns, topologically ordered, and the position in Li of each L(k, j). */
  readonly reachPtr: Int32Array;
  readonly reachIdx: Int32Array;
  readonly reachPos: Int32Array;
  /**
   * Where the input's entry at each slot lives in L's pattern: >= 0 an index into Li (sparse columns),
   * < 0 the dense tail's entry -1 - (r * tail + c) in tail coordinates (row r >= column c).
   */
  readonly slotTarget: Int32Array;
  /** Multiply-adds of one numeric factorisation: sum over sparse columns of count^2, plus tail^3 / 3. */
  readonly flops: number;
}

export function symbolic(pattern: SymmetricPattern, ordering: Ordering): Symbolic {
  const { n, colPtr, rowIdx } = pattern;
  const { perm, tail } = ordering;
  const nS = n - tail;
  const iperm = new Int32Array(n);
  for (let k = 0; k < n; k++) iperm[perm[k]] = k;
  // Row form of P A P' (lower): row r holds (r, c), c <= r.
  const m = rowIdx.length;
  const rOf = new Int32Array(m);
  const cOf = new Int32Array(m);
  const rowPtr = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    for (let p = colPtr[j]; p < colPtr[j + 1]; p++) {
      const a = iperm[rowIdx[p]];
      const b = iperm[j];
      rOf[p] = Math.max(a, b);
      cOf[p] = Math.min(a, b);
      rowPtr[rOf[p] + 1]++;
    }
  }
  for (let r = 0; r < n; r++) rowPtr[r + 1] += rowPtr[r];
  const fill = Int32Array.from(rowPtr.subarray(0, n));
  const rowCol = new Int32Array(m);
  const rowSrc = new Int32Array(m);
  for (let p = 0; p < m; p++) {
    const q = fill[rOf[p]]++;
    rowCol[q] = cOf[p];
    rowSrc[q] = p;
  }
  const parent = eliminationTree(n, rowPtr, rowCol);
  // Each row's reach in the sparse columns (Gilbert 1994; Davis 2006 cs_ereach): the columns j < k with
  // L(k, j) != 0 are the etree paths from row k's entries up towards k, stopped at the dense tail.
  const mark = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const reachPtr = new Int32Array(n + 1);
  const reach: number[] = [];
  const count = new Int32Array(nS);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    // Filled from the end, as cs_ereach does: each path goes in descendant-to-ancestor order in front of
    // the paths found before it (which hold its ancestors), so the whole is topologically ordered.
    let top = n;
    for (let q = rowPtr[k]; q < rowPtr[k + 1]; q++) {
      let i = rowCol[q];
      if (i >= k || i >= nS) continue;
      let len = 0;
      while (i !== -1 && i < k && i < nS && mark[i] !== k) {
        stack[len++] = i;
        mark[i] = k;
        i = parent[i];
      }
      while (len > 0) out[--top] = stack[--len];
    }
    for (let t = top; t < n; t++) {
      reach.push(out[t]);
      count[out[t]]++;
    }
    reachPtr[k + 1] = reach.length;
  }
  const Lp = new Int32Array(nS + 1);
  for (let j = 0; j < nS; j++) Lp[j + 1] = Lp[j] + 1 + count[j];
  const Li = new Int32Array(Lp[nS]);
  const next = new Int32Array(nS);
  for (let j = 0; j < nS; j++) {
    Li[Lp[j]] = j;
    next[j] = Lp[j] + 1;
  }
  const reachIdx = Int32Array.from(reach);
  const reachPos = new Int32Array(reach.length);
  // Rows in increasing order: each column's rows come out ascending.
  for (let k = 0; k < n; k++) {
    for (let q = reachPtr[k]; q < reachPtr[k + 1]; q++) {
      const j = reachIdx[q];
      reachPos[q] = next[j];
      Li[next[j]++] = k;
    }
  }
  const slotTarget = new Int32Array(m);
  for (let p = 0; p < m; p++) {
    const r = rOf[p];
    const c = cOf[p];
    slotTarget[p] = c < nS ? find(Li, Lp[c], Lp[c + 1], r) : -1 - ((r - nS) * tail + (c - nS));
  }
  let flops = (tail * tail * tail) / 3;
  for (let j = 0; j < nS; j++) flops += (Lp[j + 1] - Lp[j]) ** 2;
  return { n, perm, nS, tail, rowPtr, rowCol, rowSrc, Lp, Li, reachPtr, reachIdx, reachPos, slotTarget, flops };
}

/** Liu's elimination tree with path compression (Liu 1990; Davis 2006 cs_etree), from the row form. */
function eliminationTree(n: number, rowPtr: Int32Array, rowCol: Int32Array): Int32Array {
  const parent = new Int32Array(n).fill(-1);
  const ancestor = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    for (let q = rowPtr[k]; q < rowPtr[k + 1]; q++) {
      let i = rowCol[q];
      while (i !== -1 && i < k) {
        const next = ancestor[i];
        ancestor[i] = k;
        if (next === -1) parent[i] = k;
        i = next;
      }
    }
  }
  return parent;
}

function find(Li: Int32Array, lo: number, hi: number, r: number): number {
  let a = lo;
  let b = hi - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    if (Li[mid] === r) return mid;
    if (Li[mid] < r) a = mid + 1;
    else b = mid - 1;
  }
  throw new Error(`sparse Cholesky: entry (${r}) missing from L's pattern`);
}
