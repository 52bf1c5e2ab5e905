import type { F64 } from '../../distributions/f64_ops.js';
import type { RowTables2 } from '../../math/lazy_table.js';

/** What produced a node; the backward pass switches on it once per node, never per element. */
export const Op = {
  leaf: 0,
  add: 1,
  sub: 2,
  mul: 3,
  div: 4,
  neg: 5,
  exp: 6,
  log: 7,
  log1p: 8,
  square: 9,
  sqrt: 10,
  softplus: 11,
  sigmoid: 12,
  lgamma: 13,
  /** lgammaRatio(a, b) (special.ts): a count's negative binomial normaliser. */
  lgammaRatio: 16,
  /** Row r's table at a[r] (lazy_table.ts); b holds the slopes, computed in the forward pass. */
  table: 17,
  /** Row r's function of two variables (aux: the tables) at (a[r], b[r]). */
  table2: 18,
  /** out[i] = a[codes[i]]: a vector parameter spread over data rows by a factor. */
  gather: 14,
  /** out = a[index]: one element of a vector parameter. */
  pick: 15,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/**
 * One value on the tape. A scalar keeps its adjoint in `adj`, an array in `adjArr` (allocated on the
 * first contribution, so a node nothing flowed back into costs nothing). Every field is set in the
 * constructor so that V8 sees one object shape on every node.
 */
export class AdNode {
  adj = 0;
  adjArr: Float64Array | null = null;

  constructor(
    readonly op: OpCode,
    readonly value: F64,
    /** True when the value depends on theta; false for constants and data, which the backward pass skips. */
    readonly live: boolean,
    readonly a: AdNode | null = null,
    readonly b: AdNode | null = null,
    /** gather: the factor's code per row. */
    readonly codes: Int32Array | null = null,
    /** pick: the element read. */
    readonly index = 0,
    /** table2: the row tables (for the partial derivatives in the backward pass). */
    readonly aux: RowTables2 | null = null,
  ) {}
}

/**
 * Reuses the evaluation's arrays from one call to the next. An evaluation allocates the same sizes in
 * the same order every time (the graph is fixed), so the k-th request gets the k-th buffer of the last
 * call. This matters more than anything else here: V8 allocates every Float64Array over 64 bytes off
 * the heap (about a microsecond each, and GC pressure), which made a 160-row model 20x slower.
 * Nothing handed out may outlive the evaluation: results are copied out.
 */
export class Arena {
  private readonly bufs: Float64Array[] = [];
  private at = 0;

  reset(): void {
    this.at = 0;
  }

  /** An array of n elements with arbitrary contents (the caller writes every element). */
  take(n: number): Float64Array {
    let buf = this.bufs[this.at];
    if (buf === undefined || buf.length !== n) this.bufs[this.at] = buf = new Float64Array(n);
    this.at++;
    return buf;
  }

  zeros(n: number): Float64Array {
    return this.take(n).fill(0);
  }

  /** Drops every buffer (the next evaluation allocates them again). */
  release(): void {
    this.bufs.length = 0;
    this.at = 0;
  }
}
