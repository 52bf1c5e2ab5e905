import type { DistSpec, Form } from '../../distributions/catalog.js';
import { LazyTable, type RowTables, type Table2 } from '../../math/lazy_table.js';
import { lgamma, lgammaRatio, lgammaRatioLogPhi } from '../../math/special.js';

/**
 * Negative binomial rows reduced to cells. In a cell every row has the same log mean eta but for its
 * offset o_i (log total count), mu_i = exp(eta + o_i), and with t = log(phi), s = eta - t the rows' kernel
 * sums to
 *
 *   sum_i lgammaRatio(y_i, phi) + y_i (eta + o_i) - (y_i + phi) softplus(s + o_i)
 *     = L(t) + Y eta + sum_i y_i o_i - H(s) - Z(eta, t),
 *
 * with Y = sum_i y_i and
 *   L(t) = sum over the rows with y_i > 0 of lgammaRatio(y_i, e^t), by distinct count;
 *   H(s) = sum over the same rows of y_i softplus(s + o_i);
 *   Z(eta, t) = e^t G(s), G(s) = sum over all the cell's rows of softplus(s + o_i): the zeros, grouped. It
 *          does not depend on the counts, so every gene fitted on the same cells shares it (fit-genes).
 * No row-wise sum is exact in fewer terms (the offsets differ), so each function of one variable is
 * tabulated lazily (lazy_table.ts): exact at the nodes of a fixed grid, quintic between them (relative
 * error ~1e-10). An evaluation then costs a few operations per cell, not per row: the likelihood of a
 * gene with 20,000 cells in 320 (cell group, patient) cells, as for a Poisson gene.
 *
 * Z is written two ways (ZeroTerm), because each loses its digits on one side. Its derivative in t is
 * e^t (G - G'), which cancels as phi grows past the means (the Poisson limit, where the gradient in
 * log(phi) must keep its sign); there Z = e^eta T + e^(eta + m) R(s), with T = sum_i e^(o_i) (the Poisson
 * term), m = max_i o_i and R(s) = sum_i e^(o_i - m) q(s + o_i), q(z) = e^-z softplus(z) - 1, the departure
 * from the Poisson term, which tends to 0 with its derivatives. That form cancels in turn where the means
 * pass phi (e^eta T against R), so past s = -m, phi below the largest mean, Z is e^t G(s).
 */
export function negBinCellsForm(tables: CellTables): DistSpec {
  const form: Form = {
    args: [{ name: 'log_mean', support: 'real' }, { name: 'dispersion', support: 'positive' }],
    kernel: (o, y, [eta, phi]) => {
      const t = o.log(phi);
      const s = o.sub(eta, t);
      return o.sub(o.add(o.table(tables.L, t), o.mul(y, eta)), o.add(o.table(tables.H, s), o.table2(tables.Z, eta, t)));
    },
    constant: 0,
  };
  const dist: DistSpec = { name: 'NegativeBinomial (cells)', support: 'count', discrete: true, forms: [form], doc: 'negative binomial rows reduced to cells' };
  tablesOf.set(dist, tables);
  return dist;
}

export interface CellTables {
  readonly L: RowTables;
  readonly H: RowTables;
  readonly Z: readonly ZeroTerm[];
}

const tablesOf = new WeakMap<DistSpec, CellTables>();

/**
 * The cells' curvature in eta, w = H''(s) + d2Z/deta2, and its derivative in eta, from the tables
 * (curvature.ts; the Taylor jets give the same numbers through the whole kernel, slower).
 */
export function negBinCellsCurvature(dist: DistSpec): ((z: Float64Array, phi: (r: number) => number, w: Float64Array, dw: Float64Array) => void) | undefined {
  const tables = tablesOf.get(dist);
  if (!tables) return undefined;
  const h = new Float64Array(4);
  const q = new Float64Array(4);
  return (z, phi, w, dw) => {
    for (let r = 0; r < z.length; r++) {
      const t = Math.log(phi(r));
      tables.H[r].derivatives(z[r] - t, h);
      tables.Z[r].derivativesA(z[r], t, q);
      w[r] = h[2] + q[2];
      dw[r] = h[3] + q[3];
    }
  };
}

/** Z(eta, t) of one cell (see negBinCellsForm), in the form that keeps its digits at (eta, t). */
export class ZeroTerm implements Table2 {
  private readonly q = new Float64Array(4);

  constructor(
    private readonly G: LazyTable,
    private readonly R: LazyTable,
    /** log T = log sum_i e^(o_i), and m = max_i o_i. */
    private readonly logT: number,
    private readonly top: number,
  ) {}

  private poissonSide(s: number): boolean {
    return s + this.top <= 0;
  }

  value2(eta: number, t: number): number {
    if (eta !== this.lastEta || t !== this.lastT) this.at(eta, t);
    return this.lastValue;
  }

  slopeA(eta: number, t: number): number {
    if (eta !== this.lastEta || t !== this.lastT) this.at(eta, t);
    return this.lastA;
  }

  slopeB(eta: number, t: number): number {
    if (eta !== this.lastEta || t !== this.lastT) this.at(eta, t);
    return this.lastB;
  }

  private lastEta = NaN;
  private lastT = NaN;
  private lastValue = NaN;
  private lastA = NaN;
  private lastB = NaN;
  /** At the last point: which form, the table's derivatives q, and the form's factors (e^(eta + log T), e^(eta + m); or e^t in e). */
  private lastPoisson = false;
  private p = NaN;
  private e = NaN;

  /** Z and its two partials at (eta, t), remembered (the forward pass asks for the value, the backward pass for the slopes). */
  private at(eta: number, t: number): void {
    this.lastEta = eta;
    this.lastT = t;
    const s = eta - t;
    const q = this.q;
    this.lastPoisson = this.poissonSide(s);
    if (this.lastPoisson) {
      this.R.derivatives(s, q);
      const p = (this.p = Math.exp(eta + this.logT));
      const e = (this.e = Math.exp(eta + this.top));
      this.lastValue = p + e * q[0];
      this.lastA = p + e * (q[0] + q[1]);
      this.lastB = -e * q[1];
      return;
    }
    this.G.derivatives(s, q);
    const e = (this.e = Math.exp(t));
    this.lastValue = e * q[0];
    this.lastA = e * q[1];
    this.lastB = e * (q[0] - q[1]);
  }

  derivativesA(eta: number, t: number, out: Float64Array): void {
    if (eta !== this.lastEta || t !== this.lastT) this.at(eta, t);
    const q = this.q;
    if (this.lastPoisson) {
      const { p, e } = this;
      out[0] = p + e * q[0];
      out[1] = p + e * (q[0] + q[1]);
      out[2] = p + e * (q[0] + 2 * q[1] + q[2]);
      out[3] = p + e * (q[0] + 3 * q[1] + 3 * q[2] + q[3]);
      return;
    }
    for (let k = 0; k < 4; k++) out[k] = this.e * q[k];
  }
}

/**
 * q(z) = e^-z softplus(z) - 1 and its first three derivatives, q' = e^-z (sigmoid - softplus),
 * q'' = e^-z (softplus - sigmoid - sigmoid^2) and q''' = e^-z (sigmoid - softplus + 2 sigmoid^3); for
 * x = e^z below 1e-3 by their series in x (the closed forms cancel there): the k-th derivative is
 * sum_{n>=1} (-1)^n n^k x^n / (n + 1).
 */
function poissonDeparture(z: number, out: Float64Array): void {
  const x = Math.exp(z);
  if (x < 1e-3) {
    let p = 1;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let n = 1; n <= 7; n++) {
      p *= -x;
      const a = p / (n + 1);
      q0 += a;
      q1 += n * a;
      q2 += n * n * a;
      q3 += n * n * n * a;
    }
    out[0] = q0;
    out[1] = q1;
    out[2] = q2;
    out[3] = q3;
    return;
  }
  const e = Math.exp(-Math.abs(z));
  const sp = z > 0 ? z + Math.log1p(e) : Math.log1p(e);
  const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
  const ez = Math.exp(-z);
  out[0] = ez * sp - 1;
  out[1] = ez * (sig - sp);
  out[2] = ez * (sp - sig - sig * sig);
  out[3] = ez * (sig - sp + 2 * sig * sig * sig);
}

/** R(s) = sum_r e^(o_r - m) q(s + o_r) and its first three derivatives, exactly. */
function departureSum(offsets: Float64Array, top: number): (x: number, out: Float64Array) => void {
  const scale = Float64Array.from(offsets, (o) => Math.exp(o - top));
  const q = new Float64Array(4);
  return function departureNode(x, out) {
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let r = 0; r < offsets.length; r++) {
      poissonDeparture(x + offsets[r], q);
      f += scale[r] * q[0];
      d1 += scale[r] * q[1];
      d2 += scale[r] * q[2];
      d3 += scale[r] * q[3];
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/**
 * R's tails. Below x + m < -40 every q(z) is -e^z / 2 to rounding, so R = -e^(x + m) sum_r e^(2 (o_r - m)) / 2
 * with every derivative the same. Above x + lo > 40, q(z) = e^-z z - 1 to rounding, so
 * R = e^(-x - m) (n x + A) - W with A = sum_r o_r, W = sum_r e^(o_r - m).
 */
function departureTails(offsets: Float64Array, top: number): Tails {
  let lo = Infinity;
  let A = 0;
  let W = 0;
  let squares = 0;
  for (const o of offsets) {
    lo = Math.min(lo, o);
    A += o;
    W += Math.exp(o - top);
    squares += Math.exp(2 * (o - top));
  }
  const n = offsets.length;
  return {
    from: -TAIL - top,
    to: TAIL - lo,
    f: (x, out) => {
      if (x + top < -TAIL) {
        out.fill((-Math.exp(x + top) * squares) / 2);
        return;
      }
      const e = Math.exp(-x - top);
      out[0] = e * (n * x + A) - W;
      out[1] = e * (n - n * x - A);
      out[2] = e * (n * x + A - 2 * n);
      out[3] = e * (3 * n - n * x - A);
    },
  };
}

/**
 * Beyond |x + o_r| > 40 for every row, softplus(z) is z + e^-z or e^z to rounding (e^-40 = 4e-18): the sum
 * in closed form, with the offsets' sums scaled by their extreme so that no exponential overflows.
 */
function softplusTails(offsets: Float64Array, weights: Float64Array | null): Tails {
  let lo = Infinity;
  let hi = -Infinity;
  for (const o of offsets) {
    lo = Math.min(lo, o);
    hi = Math.max(hi, o);
  }
  let W = 0;
  let A = 0;
  let below = 0;
  let above = 0;
  offsets.forEach((o, r) => {
    const w = weights === null ? 1 : weights[r];
    W += w;
    A += w * o;
    below += w * Math.exp(o - hi);
    above += w * Math.exp(lo - o);
  });
  return {
    from: -TAIL - hi,
    to: TAIL - lo,
    f: (x, out) => {
      if (x + hi < -TAIL) {
        // sum_r w_r e^(x + o_r) = e^(x + hi) sum_r w_r e^(o_r - hi): every derivative the same.
        out.fill(Math.exp(x + hi) * below);
        return;
      }
      // sum_r w_r (z_r + e^-z_r) = W x + A + e^(-x - lo) sum_r w_r e^(lo - o_r).
      const e = Math.exp(-x - lo) * above;
      out[0] = W * x + A + e;
      out[1] = W - e;
      out[2] = e;
      out[3] = -e;
    },
  };
}
const TAIL = 40;
type Tails = ConstructorParameters<typeof LazyTable>[1];

/** sum_r w_r softplus(x + o_r) and its first three derivatives, exactly. */
function softplusSum(offsets: Float64Array, weights: Float64Array | null): (x: number, out: Float64Array) => void {
  return function softplusNode(x, out) {
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let r = 0; r < offsets.length; r++) {
      const z = x + offsets[r];
      const e = Math.exp(-Math.abs(z));
      const w = weights === null ? 1 : weights[r];
      // softplus, the sigmoid, sigmoid (1 - sigmoid) = e / (1 + e)^2 and its derivative
      // e (1 - e) / (1 + e)^3 (odd in z) from one exp, each without cancellation.
      const p = 1 / (1 + e);
      f += w * (z > 0 ? z + Math.log1p(e) : Math.log1p(e));
      d1 += w * (z >= 0 ? p : e * p);
      const s2 = w * e * p * p;
      d2 += s2;
      d3 += (z >= 0 ? -s2 : s2) * (1 - e) * p;
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/** sum over distinct counts v (with multiplicity m) of m lgammaRatio(v, e^t), and its derivatives in t. */
function normaliserSum(values: Float64Array, multiplicity: Float64Array): (t: number, out: Float64Array) => void {
  const d = new Float64Array(3);
  return function normaliserNode(t, out) {
    const phi = Math.exp(t);
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let k = 0; k < values.length; k++) {
      const m = multiplicity[k];
      f += m * lgammaRatio(values[k], phi);
      lgammaRatioLogPhi(values[k], phi, d);
      d1 += m * d[0];
      d2 += m * d[1];
      d3 += m * d[2];
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/**
 * lgammaRatio(v, e^t) = (1 - v) t + sum_{k=1}^{v-1} log(k + e^t) for a whole count v: below t = -40 each
 * log(k + e^t) is log(k) to rounding, so the sum is (1 - v) t + lgamma(v); above t = 40 + log(v^2), it is
 * v (v - 1) / 2 e^-t to rounding (the next term, of e^-2t, is below 1e-17 of it).
 */
function normaliserTails(values: Float64Array, multiplicity: Float64Array): Tails {
  let slope = 0;
  let intercept = 0;
  let pairs = 0;
  let top = 1;
  values.forEach((v, k) => {
    slope += multiplicity[k] * (1 - v);
    intercept += multiplicity[k] * lgamma(v);
    pairs += (multiplicity[k] * v * (v - 1)) / 2;
    top = Math.max(top, v);
  });
  return {
    from: -TAIL,
    to: TAIL + 2 * Math.log(top),
    f: (t, out) => {
      if (t < 0) {
        out[0] = slope * t + intercept;
        out[1] = slope;
        out[2] = 0;
        out[3] = 0;
        return;
      }
      const e = pairs * Math.exp(-t);
      out[0] = e;
      out[1] = -e;
      out[2] = e;
      out[3] = -e;
    },
  };
}

/** A cell without counts: H and L are 0 everywhere (all tail, no table). */
const ZERO = new LazyTable((_x, out) => out.fill(0), { from: Infinity, to: -Infinity, f: (_x, out) => out.fill(0) });

/** The rows of each cell: their indices, grouped (a counting sort by cell). */
function rowsByCell(cellOfRow: Int32Array, nCells: number): { start: Int32Array; rows: Int32Array } {
  const start = new Int32Array(nCells + 1);
  for (let i = 0; i < cellOfRow.length; i++) start[cellOfRow[i] + 1]++;
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const at = start.slice(0, nCells);
  const rows = new Int32Array(cellOfRow.length);
  for (let i = 0; i < cellOfRow.length; i++) rows[at[cellOfRow[i]]++] = i;
  return { start, rows };
}

/** The zeros' terms of the cells, remembered for the same offsets (fit-genes: gene after gene on the same cells fills one set). */
const zerosMemo = new WeakMap<Float64Array, readonly ZeroTerm[]>();

/** The tables of each cell for counts y with per-row offsets `off` and their per-cell log-sum-exp (shared across responses: never written to). */
export function negBinTables(y: Float64Array, off: Float64Array, logT: Float64Array, cellOfRow: Int32Array, nCells: number, sharedDispersion: boolean): CellTables {
  const { start, rows } = rowsByCell(cellOfRow, nCells);
  let Z = zerosMemo.get(off);
  if (!Z || Z.length !== nCells) {
    Z = Array.from({ length: nCells }, (_, c) => {
      const offsets = Float64Array.from(rows.subarray(start[c], start[c + 1]), (i) => off[i]);
      const top = offsets.reduce((m, o) => Math.max(m, o), -Infinity);
      const G = new LazyTable(softplusSum(offsets, null), softplusTails(offsets, null));
      return new ZeroTerm(G, new LazyTable(departureSum(offsets, top), departureTails(offsets, top)), logT[c], top);
    });
    zerosMemo.set(off, Z);
  }
  const H: LazyTable[] = [];
  for (let c = 0; c < nCells; c++) {
    const nonzero = Array.from(rows.subarray(start[c], start[c + 1])).filter((i) => y[i] !== 0);
    if (nonzero.length === 0) {
      H.push(ZERO);
      continue;
    }
    const offsets = Float64Array.from(nonzero, (i) => off[i]);
    const weights = Float64Array.from(nonzero, (i) => y[i]);
    H.push(new LazyTable(softplusSum(offsets, weights), softplusTails(offsets, weights)));
  }
  // L depends on phi alone, and every cell reads the same phi: the cells' L add up to one function of
  // the counts' distinct values, carried by the first cell (the others' are 0), a lookup per evaluation
  // rather than one per cell. (A dispersion per cell, phi[h], has each cell read its own: one each.)
  const L = lTables(y, rows, start, nCells, sharedDispersion);
  return { L, H, Z };
}

/** L per cell, or (one dispersion for all) the whole response's L in the first cell and 0 in the others. */
function lTables(y: Float64Array, rows: Int32Array, start: Int32Array, nCells: number, shared: boolean): LazyTable[] {
  const table = (from: number, to: number): LazyTable => {
    const counts = new Map<number, number>();
    for (let k = from; k < to; k++) if (y[rows[k]] !== 0) counts.set(y[rows[k]], (counts.get(y[rows[k]]) ?? 0) + 1);
    if (counts.size === 0) return ZERO;
    const values = Float64Array.from(counts.keys());
    const multiplicity = Float64Array.from(counts.values());
    return new LazyTable(normaliserSum(values, multiplicity), normaliserTails(values, multiplicity));
  };
  if (shared) return Array.from({ length: nCells }, (_, c) => (c === 0 ? table(0, rows.length) : ZERO));
  return Array.from({ length: nCells }, (_, c) => table(start[c], start[c + 1]));
}
