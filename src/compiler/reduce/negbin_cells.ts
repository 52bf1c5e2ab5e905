import type { DistSpec, Form } from '../../distributions/catalog.js';
import type { LazyTable, RowTables, Table2 } from '../../math/lazy_table.js';
import { departureTable, normaliserTable, softplusTable, ZERO } from './cell_sums.js';
import { nonZeroRows } from '../../math/nonzero.js';

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
    curvature: cellsCurvature(tables),
    curvatureSlopes: [1],
    scoreSlope: cellsScoreSlope(tables),
  };
  return { name: 'NegativeBinomial (cells)', support: 'count', discrete: true, forms: [form], doc: 'negative binomial rows reduced to cells' };
}

export interface CellTables {
  readonly L: RowTables;
  readonly H: RowTables;
  readonly Z: readonly ZeroTerm[];
}

/**
 * The cells' curvature in eta, w = H''(s) + d2Z/deta2, its derivative in eta, and (when asked) in phi:
 * dw/dt = -H'''(s) + d3Z/deta2 dt with t = log(phi), from the same lookups (the form's `curvature`; the
 * Taylor jets give the first two through the whole kernel, slower).
 */
function cellsCurvature(tables: CellTables): NonNullable<Form['curvature']> {
  const h = new Float64Array(4);
  const q = new Float64Array(4);
  return (z, _y, [, phi], w, dw, slopes) => {
    const dphi = slopes?.[1];
    eachCell(tables, z, phi, h, q, (r, p) => {
      w[r] = h[2] + q[2];
      dw[r] = h[3] + q[3];
      if (dphi) dphi[r] = (tables.Z[r].curvatureSlopeT() - h[3]) / p;
    });
  };
}

/**
 * d/dphi of the cells' score Y - H'(s) - dZ/deta: (H''(s) - d2Z/deta dt) / phi, from the same lookups
 * as the curvature (the form's `scoreSlope`).
 */
function cellsScoreSlope(tables: CellTables): NonNullable<Form['scoreSlope']> {
  const h = new Float64Array(4);
  const q = new Float64Array(4);
  return (z, _y, [, phi], _j, out) => {
    eachCell(tables, z, phi, h, q, (r, p) => {
      out[r] = (h[2] - tables.Z[r].scoreSlopeT()) / p;
    });
  };
}

/**
 * Each cell's lookups at its log mean z[r] and t = log(phi): H's derivatives at s = z[r] - t into h, Z's
 * in eta into q, then visit(r, phi). One dispersion for every cell (the usual case) has its log taken once.
 */
function eachCell(tables: CellTables, z: Float64Array, phi: number | Float64Array, h: Float64Array, q: Float64Array, visit: (r: number, phi: number) => void): void {
  const shared = typeof phi === 'number' ? Math.log(phi) : NaN;
  for (let r = 0; r < z.length; r++) {
    const p = typeof phi === 'number' ? phi : phi[r];
    const t = typeof phi === 'number' ? shared : Math.log(p);
    tables.H[r].derivatives(z[r] - t, h);
    tables.Z[r].derivativesA(z[r], t, q);
    visit(r, p);
  }
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

  /**
   * d3Z / deta2 dt at the last point asked (derivativesA's): on the Poisson side Z_eta_eta = p + e (R +
   * 2R' + R'') with p and e free of t and R read at s = eta - t, so -e (R' + 2R'' + R'''); on the other,
   * e^t G''(s), so e^t (G'' - G''').
   */
  curvatureSlopeT(): number {
    const q = this.q;
    return this.lastPoisson ? -this.e * (q[1] + 2 * q[2] + q[3]) : this.e * (q[2] - q[3]);
  }

  /** d2Z / deta dt at the last point: -e (R' + R'') on the Poisson side (Z_eta = p + e (R + R')), e^t (G' - G'') on the other. */
  scoreSlopeT(): number {
    const q = this.q;
    return this.lastPoisson ? -this.e * (q[1] + q[2]) : this.e * (q[1] - q[2]);
  }
}


/** The rows of each cell: their indices, grouped (a counting sort by cell), remembered per cell assignment (shared: never written to). */
function rowsByCell(cellOfRow: Int32Array, nCells: number): { start: Int32Array; rows: Int32Array } {
  const known = grouped.get(cellOfRow);
  if (known) return known;
  const start = new Int32Array(nCells + 1);
  for (let i = 0; i < cellOfRow.length; i++) start[cellOfRow[i] + 1]++;
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  const at = start.slice(0, nCells);
  const rows = new Int32Array(cellOfRow.length);
  for (let i = 0; i < cellOfRow.length; i++) rows[at[cellOfRow[i]]++] = i;
  grouped.set(cellOfRow, { start, rows });
  return { start, rows };
}
const grouped = new WeakMap<Int32Array, { start: Int32Array; rows: Int32Array }>();

/** The zeros' terms of the cells, remembered for the same offsets (fit-genes: gene after gene on the same cells fills one set). */
const zerosMemo = new WeakMap<Float64Array, readonly ZeroTerm[]>();

/** The tables of each cell for counts y with per-row offsets `off` and their per-cell log-sum-exp (shared across responses: never written to). */
export function negBinTables(y: Float64Array, off: Float64Array, logT: Float64Array, cellOfRow: Int32Array, nCells: number, sharedDispersion: boolean): CellTables {
  let Z = zerosMemo.get(off);
  if (!Z || Z.length !== nCells) {
    const { start, rows } = rowsByCell(cellOfRow, nCells);
    Z = Array.from({ length: nCells }, (_, c) => {
      const offsets = Float64Array.from(rows.subarray(start[c], start[c + 1]), (i) => off[i]);
      const top = offsets.reduce((m, o) => Math.max(m, o), -Infinity);
      return new ZeroTerm(softplusTable(offsets, null), departureTable(offsets, top), logT[c], top);
    });
    zerosMemo.set(off, Z);
  }
  // The counts' rows grouped by cell: a counting sort of the non-zero rows only (a gene has a quarter of
  // its rows non-zero; a pass over every row of every cell, in the cells' order, was 0.7 ms a gene).
  // Ascending within each cell, as the cell's rows are, so the sums add in the same order.
  const nz = nonZeroRows(y);
  const from = new Int32Array(nCells + 1);
  for (let k = 0; k < nz.length; k++) from[cellOfRow[nz[k]] + 1]++;
  for (let c = 0; c < nCells; c++) from[c + 1] += from[c];
  const next = from.slice(0, nCells);
  const byCell = new Int32Array(nz.length);
  for (let k = 0; k < nz.length; k++) byCell[next[cellOfRow[nz[k]]]++] = nz[k];
  const H: LazyTable[] = [];
  for (let c = 0; c < nCells; c++) {
    const n = from[c + 1] - from[c];
    if (n === 0) {
      H.push(ZERO);
      continue;
    }
    const offsets = new Float64Array(n);
    const weights = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const i = byCell[from[c] + k];
      offsets[k] = off[i];
      weights[k] = y[i];
    }
    H.push(softplusTable(offsets, weights));
  }
  // L depends on phi alone, and every cell reads the same phi: the cells' L add up to one function of
  // the counts' distinct values, carried by the first cell (the others' are 0), a lookup per evaluation
  // rather than one per cell. (A dispersion per cell, phi[h], has each cell read its own: one each.)
  const L = lTables(y, byCell, from, nCells, sharedDispersion);
  return { L, H, Z };
}


const SMALL_COUNT = 4096;

/** L per cell, or (one dispersion for all) the whole response's L in the first cell and 0 in the others. */
function lTables(y: Float64Array, rows: Int32Array, start: Int32Array, nCells: number, shared: boolean): LazyTable[] {
  // Counts are whole numbers: the small ones (most) tallied in an array, the rest in a map; the values
  // in increasing order (the array left zeroed for the next cell). A map over all 20,000 rows of a gene was
  // a millisecond.
  const small = new Float64Array(SMALL_COUNT);
  const table = (from: number, to: number): LazyTable => {
    const large = new Map<number, number>();
    let distinct = 0;
    for (let k = from; k < to; k++) {
      const v = y[rows[k]];
      if (v === 0) continue;
      if (v < SMALL_COUNT && Number.isInteger(v)) {
        if (small[v]++ === 0) distinct++;
      } else large.set(v, (large.get(v) ?? 0) + 1);
    }
    if (distinct === 0 && large.size === 0) return ZERO;
    const values = new Float64Array(distinct + large.size);
    const multiplicity = new Float64Array(values.length);
    let n = 0;
    for (let v = 1; v < SMALL_COUNT && n < distinct; v++) {
      if (small[v] === 0) continue;
      values[n] = v;
      multiplicity[n++] = small[v];
      small[v] = 0;
    }
    for (const v of [...large.keys()].sort((a, b) => a - b)) {
      values[n] = v;
      multiplicity[n++] = large.get(v)!;
    }
    return normaliserTable(values, multiplicity);
  };
  if (shared) return Array.from({ length: nCells }, (_, c) => (c === 0 ? table(0, rows.length) : ZERO));
  return Array.from({ length: nCells }, (_, c) => table(start[c], start[c + 1]));
}
