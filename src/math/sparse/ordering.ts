import type { SymmetricPattern } from '../../core/log_density.js';

/**
 * A fill-reducing order: minimum degree on the elimination graph (Tinney & Walker 1967; George & Liu
 * 1989), with the dense part postponed to a trailing block that the numeric phase factorises with dense
 * kernels, as AMD postpones dense rows (Amestoy, Davis & Duff 1996, sec. 6).
 *
 * - Nodes of very high degree (more than max(16, 10 sqrt n): a fixed effect every row reads) leave the
 *   graph at once and go last.
 * - The rest are eliminated one by one, each time a node of least degree (ties by index, so the order is
 *   deterministic); eliminating a node joins its neighbours into a clique (the fill it causes).
 * - When the least degree reaches half the nodes left, the rest of the graph is nearly dense (crossed
 *   random effects: once every student is eliminated, the instructors who share one are all joined), and
 *   it goes to the tail, ordered by degree.
 *
 * GLMM Hessians are block-diagonal within a grouping factor, coupled across factors by the rows: nested
 * factors (a tree) eliminate with no fill at all, crossed ones fill the smaller factor's block.
 */
export interface Ordering {
  /** perm[k] = original index of the k-th pivot. */
  readonly perm: Int32Array;
  /** The last `tail` pivots form the dense trailing block. */
  readonly tail: number;
}

/** Nodes left below which the graph is never called dense: small problems stay sparse. */
const MIN_TAIL = 16;

export function minimumDegree(pattern: SymmetricPattern): Ordering {
  const { n, colPtr, rowIdx } = pattern;
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let j = 0; j < n; j++) {
    for (let p = colPtr[j]; p < colPtr[j + 1]; p++) {
      const i = rowIdx[p];
      if (i === j) continue;
      adj[i].add(j);
      adj[j].add(i);
    }
  }
  const denseDegree = Math.max(16, 10 * Math.sqrt(n));
  const dense = new Uint8Array(n);
  for (let v = 0; v < n; v++) if (adj[v].size > denseDegree) dense[v] = 1;
  for (let v = 0; v < n; v++) {
    if (dense[v]) {
      for (const a of adj[v]) if (!dense[a]) adj[a].delete(v);
      adj[v].clear();
    }
  }
  const eliminated = new Uint8Array(n);
  const order: number[] = [];
  const heap = new MinHeap();
  for (let v = 0; v < n; v++) if (!dense[v]) heap.push(adj[v].size, v);
  let left = n - dense.reduce((a, b) => a + b, 0);
  while (heap.size > 0) {
    const [deg, v] = heap.pop();
    if (eliminated[v] || deg !== adj[v].size) continue;
    if (left > MIN_TAIL && deg >= 0.5 * left) break;
    eliminated[v] = 1;
    order.push(v);
    left--;
    const nbrs = [...adj[v]];
    for (const a of nbrs) {
      const s = adj[a];
      s.delete(v);
      for (const b of nbrs) if (b !== a) s.add(b);
      heap.push(s.size, a);
    }
    adj[v].clear();
  }
  const rest: number[] = [];
  for (let v = 0; v < n; v++) if (!eliminated[v] && !dense[v]) rest.push(v);
  rest.sort((a, b) => adj[a].size - adj[b].size || a - b);
  const denseNodes: number[] = [];
  for (let v = 0; v < n; v++) if (dense[v]) denseNodes.push(v);
  const tailNodes = [...rest, ...denseNodes];
  return { perm: Int32Array.from([...order, ...tailNodes]), tail: tailNodes.length };
}

/** The identity order with no dense tail (tests compare it with the minimum-degree one). */
export function naturalOrder(n: number): Ordering {
  return { perm: Int32Array.from({ length: n }, (_, i) => i), tail: 0 };
}

/** A binary heap of (key, value) pairs, least key first, ties by least value (deterministic). */
class MinHeap {
  private keys: number[] = [];
  private vals: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, val: number): void {
    this.keys.push(key);
    this.vals.push(val);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.keys[0], this.vals[0]];
    const lastKey = this.keys.pop()!;
    const lastVal = this.vals.pop()!;
    if (this.keys.length > 0) {
      this.keys[0] = lastKey;
      this.vals[0] = lastVal;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.keys.length && this.less(l, m)) m = l;
        if (r < this.keys.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    return this.keys[a] < this.keys[b] || (this.keys[a] === this.keys[b] && this.vals[a] < this.vals[b]);
  }
  private swap(a: number, b: number): void {
    [this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
    [this.vals[a], this.vals[b]] = [this.vals[b], this.vals[a]];
  }
}
