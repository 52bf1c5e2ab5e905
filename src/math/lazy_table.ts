/**
 * A smooth function of one variable that is costly to evaluate (a sum over many data rows), made cheap
 * to evaluate many times: its value and first three derivatives are computed exactly at the nodes of a
 * fixed grid x_k = k h, each node on first use, and between two nodes the function is the septic
 * Hermite interpolant of those eight numbers. The interpolant is C^3 across nodes; its error is at most
 * max|f^(8)| h^8 / 10321920 (the Hermite remainder f^(8)(xi) / 8! (x - x_k)^4 (x - x_k+1)^4), relative
 * where f behaves like an exponential (all its derivatives alike): with h = 1/4, 1.5e-12 of max|f^(8)|
 * (a softplus's eighth derivative is at most about 1). Outside a range [from, to] the function has a
 * closed form exact to rounding (its tails), used instead. Which nodes were filled, and in which order,
 * changes no value: a value at x depends only on x and the two nodes around it, so the same point gives
 * the same bits in any process.
 */
export class LazyTable {
  /** First node index of the tabulated range, and the number of intervals in it. */
  private readonly k0: number;
  private readonly n: number;
  /** The range [from, to] the table covers (the tails' own bounds), and 1 / h. */
  private readonly from: number;
  private readonly to: number;
  private readonly inv: number;
  /**
   * Per interval j (nodes k0 + j and k0 + j + 1): the coefficients c0..c7 of the septic in
   * u = x / h - (k0 + j), then 1 once they are filled, in pages of PAGE intervals allocated on first use
   * (a search visits a few units of a range of ~80: a whole range per table was 16 MB per gene to allocate
   * and zero). The page array starts full of one empty page, so that it stays packed; an empty page reads
   * empty (never read). The flags live in the pages: arrays of flags over the whole range, two per table,
   * made a negative binomial gene's 320 tables cost 0.5 ms to construct.
   */
  private readonly coef: Float64Array[];
  /** Per node, in pages of PAGE nodes: f and its first three derivatives times h^k (exact), then 1 once filled. */
  private readonly node: Float64Array[];
  private readonly out = new Float64Array(4);
  private lastX = NaN;
  private readonly last = new Float64Array(4);

  constructor(
    /** Writes f(x) and its first three derivatives into out[0..3], exactly: the nodes' values. */
    private readonly exact: (x: number, out: Float64Array) => void,
    /**
     * Where f has a closed form exact to rounding (a softplus sum far from its bend is linear or
     * exponential): outside [from, to] it writes f and its first three derivatives into out[0..3].
     * Inside, the table: a bounded number of nodes, and a search's far probes fill none.
     */
    private readonly tails: { readonly from: number; readonly to: number; readonly f: (x: number, out: Float64Array) => void },
    /** The grid step, a power of two (so that x / h and k h are exact). */
    readonly h: number = TABLE_STEP,
  ) {
    const empty = !(tails.from <= tails.to);
    this.from = empty ? Infinity : tails.from;
    this.to = empty ? -Infinity : tails.to;
    this.inv = 1 / h;
    this.k0 = empty ? 0 : Math.floor(tails.from / h);
    this.n = empty ? 0 : Math.floor(tails.to / h) - this.k0 + 1;
    const pages = (this.n >> PAGE_BITS) + 1;
    this.coef = new Array<Float64Array>(pages).fill(NO_PAGE);
    this.node = new Array<Float64Array>(pages + 1).fill(NO_PAGE);
  }

  /** f(x). */
  value(x: number): number {
    if (x !== this.lastX) this.at(x);
    return this.last[0];
  }

  /** f'(x). */
  slope(x: number): number {
    if (x !== this.lastX) this.at(x);
    return this.last[1];
  }

  /** f and its first three derivatives at x, into out[0..3]. */
  derivatives(x: number, out: Float64Array): void {
    if (x !== this.lastX) this.at(x);
    if (!this.lastHigh) this.high();
    const last = this.last;
    out[0] = last[0];
    out[1] = last[1];
    out[2] = last[2];
    out[3] = last[3];
  }

  /** How many nodes have been computed (tests: the tails fill none). */
  filledNodes(): number {
    let k = 0;
    for (const page of this.node) for (let b = NODE - 1; b < page.length; b += NODE) k += page[b] === 1 ? 1 : 0;
    return k;
  }

  /**
   * f and its slope at x, remembered with where they came from: an evaluator asks for the value in its
   * forward pass and the slope in its backward pass at the same point, and this makes the second a
   * comparison. The second and third derivatives (the latent Hessian's) follow on demand (high): a
   * value and gradient, most of the evaluations, costs two of the four polynomials.
   */
  private at(x: number): void {
    this.lastX = x;
    const out = this.last;
    // Outside [from, to] (x not finite included) the tails' closed form.
    if (!(x >= this.from && x <= this.to)) {
      this.tails.f(x, out);
      this.lastHigh = true;
      return;
    }
    const y = x * this.inv;
    const k = Math.floor(y);
    const j = k - this.k0;
    const b = (j & PAGE_MASK) * COEF;
    let c = this.coef[j >> PAGE_BITS];
    if (c === NO_PAGE || c[b + 8] !== 1) {
      this.fill(j);
      c = this.coef[j >> PAGE_BITS];
    }
    const u = y - k;
    this.lastCoef = c;
    this.lastBase = b;
    this.lastU = u;
    this.lastHigh = false;
    const c1 = c[b + 1];
    const c2 = c[b + 2];
    const c3 = c[b + 3];
    const c4 = c[b + 4];
    const c5 = c[b + 5];
    const c6 = c[b + 6];
    const c7 = c[b + 7];
    // Divided by h^k as products with 1/h^k: h is a power of two, so both are exact and equal.
    out[0] = c[b] + u * (c1 + u * (c2 + u * (c3 + u * (c4 + u * (c5 + u * (c6 + u * c7))))));
    out[1] = (c1 + u * (2 * c2 + u * (3 * c3 + u * (4 * c4 + u * (5 * c5 + u * (6 * c6 + u * 7 * c7)))))) * this.inv;
  }

  /** The second and third derivatives at the last point, from its interval's coefficients. */
  private high(): void {
    const c = this.lastCoef;
    const b = this.lastBase;
    const u = this.lastU;
    const c3 = c[b + 3];
    const c4 = c[b + 4];
    const c5 = c[b + 5];
    const c6 = c[b + 6];
    const c7 = c[b + 7];
    const inv = this.inv;
    this.last[2] = (2 * c[b + 2] + u * (6 * c3 + u * (12 * c4 + u * (20 * c5 + u * (30 * c6 + u * 42 * c7))))) * (inv * inv);
    this.last[3] = (6 * c3 + u * (24 * c4 + u * (60 * c5 + u * (120 * c6 + u * 210 * c7)))) * (inv * inv * inv);
    this.lastHigh = true;
  }

  private lastCoef: Float64Array = NO_PAGE;
  private lastBase = 0;
  private lastU = 0;
  /** Whether last[2..3] are those of lastX. */
  private lastHigh = true;

  private fill(j: number): void {
    const page = j >> PAGE_BITS;
    if (this.coef[page] === NO_PAGE) this.coef[page] = new Float64Array(COEF * PAGE);
    this.fillNode(j);
    this.fillNode(j + 1);
    // Each node read where it lives (a view per node was a tenth of a gene's allocations).
    const k = j + 1;
    const at = COEF * (j & PAGE_MASK);
    septic(this.node[page], NODE * (j & PAGE_MASK), this.node[k >> PAGE_BITS], NODE * (k & PAGE_MASK), this.coef[page], at);
    this.coef[page][at + 8] = 1;
  }

  /** Node k0 + j, computed on first use: f and its derivatives times h^k. */
  private fillNode(j: number): void {
    const page = j >> PAGE_BITS;
    if (this.node[page] === NO_PAGE) this.node[page] = new Float64Array(NODE * PAGE);
    const v = this.node[page];
    const b = NODE * (j & PAGE_MASK);
    if (v[b + 4] === 1) return;
    const h = this.h;
    this.exact((this.k0 + j) * h, this.out);
    v[b] = this.out[0];
    v[b + 1] = this.out[1] * h;
    v[b + 2] = this.out[2] * h * h;
    v[b + 3] = this.out[3] * h * h * h;
    v[b + 4] = 1;
  }
}

const NO_PAGE = new Float64Array(0);

/** The grid step: an exact power of two, so that x / h and k h are exact. */
export const TABLE_STEP = 1 / 4;
const PAGE_BITS = 4;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/** Numbers per interval in a coefficient page (c0..c7, then the filled flag) and per node in a node page (f to h^3 f''', then the flag). */
const COEF = 9;
const NODE = 5;

/**
 * The septic p(u) on [0, 1] with p and its first three derivatives given at both ends (a[ia..ia+3] and
 * b[ib..ib+3]: f, h f', h^2 f'', h^3 f'''), into out[at..at+7]: c0..c3 from the left end; c4..c7 solve
 * the four conditions at the right end, [1 1 1 1; 4 5 6 7; 12 20 30 42; 24 60 120 210] (c4..c7) =
 * (A, B, C, D), by that matrix's inverse (exact rationals).
 */
function septic(a: Float64Array, ia: number, b: Float64Array, ib: number, out: Float64Array, at: number): void {
  const c0 = a[ia];
  const c1 = a[ia + 1];
  const c2 = a[ia + 2] / 2;
  const c3 = a[ia + 3] / 6;
  const A = b[ib] - c0 - c1 - c2 - c3;
  const B = b[ib + 1] - c1 - 2 * c2 - 3 * c3;
  const C = b[ib + 2] - 2 * c2 - 6 * c3;
  const D = b[ib + 3] - 6 * c3;
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
  out[at + 4] = 35 * A - 15 * B + (5 / 2) * C - D / 6;
  out[at + 5] = -84 * A + 39 * B - 7 * C + D / 2;
  out[at + 6] = 70 * A - 34 * B + (13 / 2) * C - D / 2;
  out[at + 7] = -20 * A + 10 * B - 2 * C + D / 6;
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
