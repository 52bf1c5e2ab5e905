/**
 * A smooth function of one variable that is costly to evaluate (a sum over many data rows), made cheap
 * to evaluate many times: its value and first two derivatives are computed exactly at the nodes of a
 * fixed grid x_k = k h, each node on first use, and between two nodes the function is the quintic
 * Hermite interpolant of those six numbers. The interpolant is C^2 across nodes; its error is at most
 * max|f^(6)| h^6 / 46080 (the Hermite remainder f^(6)(xi) / 6! (x - x_k)^3 (x - x_k+1)^3), relative
 * where f behaves like an exponential (all its derivatives alike), so with h = 1/8 about 1e-10 of the
 * function's own size. Outside a range [from, to] the function has a closed form exact to rounding (its
 * tails), used instead. Which nodes were filled, and in which order, changes no value: a value at x
 * depends only on x and the two nodes around it, so the same point gives the same bits in any process.
 */
export class LazyTable {
  /** First node index of the tabulated range, and the number of intervals in it. */
  private readonly k0: number;
  private readonly n: number;
  /**
   * Per interval j (nodes k0 + j and k0 + j + 1): the coefficients c0..c5 of the quintic in u = x / h - (k0 + j),
   * in pages of PAGE intervals allocated on first use (a search visits a few units of a range of ~80: a
   * whole range per table was 16 MB per gene to allocate and zero).
   */
  private readonly coef: (Float64Array | undefined)[] = [];
  /** Per node, in pages of PAGE nodes: f, h f', h^2 f'' (exact), and whether it is filled. */
  private readonly node: (Float64Array | undefined)[] = [];
  private readonly nodeDone: (Uint8Array | undefined)[] = [];
  private readonly coefDone: (Uint8Array | undefined)[] = [];
  private readonly out = new Float64Array(4);

  constructor(
    /** Writes f(x), f'(x), f''(x) into out[0..2], exactly: the nodes' values. */
    private readonly exact: (x: number, out: Float64Array) => void,
    /**
     * Where f has a closed form exact to rounding (a softplus sum far from its bend is linear or
     * exponential): outside [from, to] it writes f and its first three derivatives into out[0..3].
     * Inside, the table: a bounded number of nodes, and a search's far probes fill none.
     */
    private readonly tails: { readonly from: number; readonly to: number; readonly f: (x: number, out: Float64Array) => void },
    readonly h: number = TABLE_STEP,
  ) {
    const empty = !(tails.from <= tails.to);
    this.k0 = empty ? 0 : Math.floor(tails.from / h);
    this.n = empty ? 0 : Math.floor(tails.to / h) - this.k0 + 1;
  }

  /** f(x). */
  value(x: number): number {
    const j = this.interval(x);
    if (j < 0) return this.tail(x)[0];
    const c = this.coef[j >> PAGE_BITS]!;
    const b = 6 * (j & PAGE_MASK);
    const u = x / this.h - (this.k0 + j);
    return c[b] + u * (c[b + 1] + u * (c[b + 2] + u * (c[b + 3] + u * (c[b + 4] + u * c[b + 5]))));
  }

  /** f'(x). */
  slope(x: number): number {
    const j = this.interval(x);
    if (j < 0) return this.tail(x)[1];
    const c = this.coef[j >> PAGE_BITS]!;
    const b = 6 * (j & PAGE_MASK);
    const u = x / this.h - (this.k0 + j);
    return (c[b + 1] + u * (2 * c[b + 2] + u * (3 * c[b + 3] + u * (4 * c[b + 4] + u * 5 * c[b + 5])))) / this.h;
  }

  /** f and its first three derivatives at x, into out[0..3]. */
  derivatives(x: number, out: Float64Array): void {
    const j = this.interval(x);
    if (j < 0) {
      this.tails.f(x, out);
      return;
    }
    const c = this.coef[j >> PAGE_BITS]!;
    const b = 6 * (j & PAGE_MASK);
    const h = this.h;
    const u = x / h - (this.k0 + j);
    out[0] = c[b] + u * (c[b + 1] + u * (c[b + 2] + u * (c[b + 3] + u * (c[b + 4] + u * c[b + 5]))));
    out[1] = (c[b + 1] + u * (2 * c[b + 2] + u * (3 * c[b + 3] + u * (4 * c[b + 4] + u * 5 * c[b + 5])))) / h;
    out[2] = (2 * c[b + 2] + u * (6 * c[b + 3] + u * (12 * c[b + 4] + u * 20 * c[b + 5]))) / (h * h);
    out[3] = (6 * c[b + 3] + u * (24 * c[b + 4] + u * 60 * c[b + 5])) / (h * h * h);
  }

  /** How many nodes have been computed (tests: the tails fill none). */
  filledNodes(): number {
    let k = 0;
    for (const page of this.nodeDone) for (const d of page ?? []) k += d;
    return k;
  }

  private tail(x: number): Float64Array {
    this.tails.f(x, this.out);
    return this.out;
  }

  /** The interval of x with its coefficients filled; -1 outside the tabulated range (x not finite included). */
  private interval(x: number): number {
    if (!(x >= this.tails.from && x <= this.tails.to)) return -1;
    const j = Math.floor(x / this.h) - this.k0;
    if (j < 0 || j >= this.n) return -1;
    const page = j >> PAGE_BITS;
    const at = j & PAGE_MASK;
    let done = this.coefDone[page];
    if (done === undefined) {
      this.coefDone[page] = done = new Uint8Array(PAGE);
      this.coef[page] = new Float64Array(6 * PAGE);
    }
    if (done[at] === 0) {
      const a = this.fillNode(j);
      const b = this.fillNode(j + 1);
      quintic(a, b, this.coef[page]!, 6 * at);
      done[at] = 1;
    }
    return j;
  }

  /** Node k0 + j, computed on first use: its f, h f', h^2 f''. */
  private fillNode(j: number): Float64Array {
    const page = j >> PAGE_BITS;
    let done = this.nodeDone[page];
    if (done === undefined) {
      this.nodeDone[page] = done = new Uint8Array(PAGE);
      this.node[page] = new Float64Array(3 * PAGE);
    }
    const at = j & PAGE_MASK;
    const b = 3 * at;
    const v = this.node[page]!;
    if (done[at] === 0) {
      const h = this.h;
      this.exact((this.k0 + j) * h, this.out);
      v[b] = this.out[0];
      v[b + 1] = this.out[1] * h;
      v[b + 2] = this.out[2] * h * h;
      done[at] = 1;
    }
    return v.subarray(b, b + 3);
  }
}

/** The grid step: an exact power of two, so that x / h and k h are exact. */
export const TABLE_STEP = 1 / 8;
const PAGE_BITS = 4;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

/**
 * The quintic p(u) on [0, 1] with p, p', p'' given at both ends (a and b: f, h f', h^2 f''), into
 * out[at..at+5]: c0..c2 from the left end, c3..c5 from the three conditions at the right end,
 * c3 + c4 + c5 = A, 3 c3 + 4 c4 + 5 c5 = B, 6 c3 + 12 c4 + 20 c5 = C.
 */
function quintic(a: Float64Array, b: Float64Array, out: Float64Array, at: number): void {
  const f0 = a[0];
  const d0 = a[1];
  const s0 = a[2];
  const A = b[0] - f0 - d0 - s0 / 2;
  const B = b[1] - d0 - s0;
  const C = b[2] - s0;
  out[at] = f0;
  out[at + 1] = d0;
  out[at + 2] = s0 / 2;
  out[at + 3] = 10 * A - 4 * B + C / 2;
  out[at + 4] = -15 * A + 7 * B - C;
  out[at + 5] = 6 * A - 3 * B + C / 2;
}

/** One table per data row (a reduced model's cell): row r of an operation reads tables[r]. */
export type RowTables = readonly LazyTable[];

/** A smooth function of two variables per row, with its partial derivatives (negbin_cells.ts: the zeros' term). */
export interface Table2 {
  value2(a: number, b: number): number;
  slopeA(a: number, b: number): number;
  slopeB(a: number, b: number): number;
  /** f and its first three derivatives in a at fixed b, into out[0..3]. */
  derivativesA(a: number, b: number, out: Float64Array): void;
}
export type RowTables2 = readonly Table2[];
