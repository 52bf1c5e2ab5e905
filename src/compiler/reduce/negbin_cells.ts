import type { DistSpec, Form } from '../../distributions/catalog.js';
import { LazyTable, type RowTables } from '../../math/lazy_table.js';
import { lgamma, lgammaRatio, lgammaRatioD2phi, lgammaRatioDphi } from '../../math/special.js';

/**
 * Negative binomial rows reduced to cells. In a cell every row has the same log mean eta but for its
 * offset o_i (log total count), mu_i = exp(eta + o_i), and with s = eta - log(phi) the rows' kernel sums to
 *
 *   sum_i lgammaRatio(y_i, phi) + y_i (eta + o_i) - (y_i + phi) softplus(s + o_i)
 *     = L(log phi) + Y eta + sum_i y_i o_i - H(s) - phi G(s),
 *
 * with Y = sum_i y_i, and three functions of one variable each:
 *   G(s) = sum over all the cell's rows of softplus(s + o_i): the zeros, grouped; it does not depend on
 *          the counts, so every gene fitted on the same cells shares it (fit-genes);
 *   H(s) = sum over the rows with y_i > 0 of y_i softplus(s + o_i);
 *   L(t) = sum over the same rows of lgammaRatio(y_i, e^t), by distinct count.
 * No row-wise sum is exact in fewer terms (the offsets differ), so each function is tabulated lazily
 * (lazy_table.ts): exact at the nodes of a fixed grid, quintic between them (relative error ~1e-10). An
 * evaluation then costs a few operations per cell, not per row: the likelihood of a gene with 20,000
 * cells in 320 (cell group, patient) cells, as for a Poisson gene.
 */
export function negBinCellsForm(tables: { readonly L: RowTables; readonly H: RowTables; readonly G: RowTables }): DistSpec {
  const form: Form = {
    args: [{ name: 'log_mean', support: 'real' }, { name: 'dispersion', support: 'positive' }],
    kernel: (o, y, [eta, phi]) => {
      const t = o.log(phi);
      const s = o.sub(eta, t);
      return o.sub(o.add(o.table(tables.L, t), o.mul(y, eta)), o.add(o.table(tables.H, s), o.mul(phi, o.table(tables.G, s))));
    },
    constant: 0,
  };
  const dist: DistSpec = { name: 'NegativeBinomial (cells)', support: 'count', discrete: true, forms: [form], doc: 'negative binomial rows reduced to cells' };
  tablesOf.set(dist, tables);
  return dist;
}

const tablesOf = new WeakMap<DistSpec, { readonly H: RowTables; readonly G: RowTables }>();

/**
 * The cells' curvature in eta, w = H''(s) + phi G''(s), and dw/deta = H'''(s) + phi G'''(s), straight
 * from the tables (curvature.ts; the Taylor jets give the same numbers through the whole kernel, slower).
 */
export function negBinCellsCurvature(dist: DistSpec): ((z: Float64Array, phi: (r: number) => number, w: Float64Array, dw: Float64Array) => void) | undefined {
  const tables = tablesOf.get(dist);
  if (!tables) return undefined;
  const h = new Float64Array(4);
  const g = new Float64Array(4);
  return (z, phi, w, dw) => {
    for (let r = 0; r < z.length; r++) {
      const p = phi(r);
      const s = z[r] - Math.log(p);
      tables.H[r].derivatives(s, h);
      tables.G[r].derivatives(s, g);
      w[r] = h[2] + p * g[2];
      dw[r] = h[3] + p * g[3];
    }
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

/** sum_r w_r softplus(x + o_r) and its first two derivatives, exactly. */
function softplusSum(offsets: Float64Array, weights: Float64Array | null): (x: number, out: Float64Array) => void {
  return function softplusNode(x, out) {
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    for (let r = 0; r < offsets.length; r++) {
      const z = x + offsets[r];
      const e = Math.exp(-Math.abs(z));
      const w = weights === null ? 1 : weights[r];
      // softplus, the sigmoid and sigmoid (1 - sigmoid) = e / (1 + e)^2 from one exp, each without cancellation.
      f += w * (z > 0 ? z + Math.log1p(e) : Math.log1p(e));
      d1 += w * (z >= 0 ? 1 / (1 + e) : e / (1 + e));
      d2 += (w * e) / ((1 + e) * (1 + e));
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
  };
}

/** sum over distinct counts v (with multiplicity m) of m lgammaRatio(v, e^t), and its derivatives in t. */
function normaliserSum(values: Float64Array, multiplicity: Float64Array): (t: number, out: Float64Array) => void {
  return function normaliserNode(t, out) {
    const phi = Math.exp(t);
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    for (let k = 0; k < values.length; k++) {
      const m = multiplicity[k];
      const dphi = phi * lgammaRatioDphi(values[k], phi);
      f += m * lgammaRatio(values[k], phi);
      d1 += m * dphi;
      d2 += m * (dphi + phi * phi * lgammaRatioD2phi(values[k], phi));
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
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

/** G per cell, remembered for the same offsets (fit-genes: gene after gene on the same cells fills one table). */
const zerosMemo = new WeakMap<Float64Array, RowTables>();

/** The three tables of each cell, for counts y with per-row offsets `off` (shared across responses: never written to). */
export function negBinTables(y: Float64Array, off: Float64Array, cellOfRow: Int32Array, nCells: number): { L: RowTables; H: RowTables; G: RowTables } {
  const { start, rows } = rowsByCell(cellOfRow, nCells);
  let G = zerosMemo.get(off);
  if (!G || G.length !== nCells) {
    G = Array.from({ length: nCells }, (_, c) => {
      const offsets = Float64Array.from(rows.subarray(start[c], start[c + 1]), (i) => off[i]);
      return new LazyTable(softplusSum(offsets, null), softplusTails(offsets, null));
    });
    zerosMemo.set(off, G);
  }
  const L: LazyTable[] = [];
  const H: LazyTable[] = [];
  for (let c = 0; c < nCells; c++) {
    const nonzero = Array.from(rows.subarray(start[c], start[c + 1])).filter((i) => y[i] !== 0);
    if (nonzero.length === 0) {
      L.push(ZERO);
      H.push(ZERO);
      continue;
    }
    const offsets = Float64Array.from(nonzero, (i) => off[i]);
    const weights = Float64Array.from(nonzero, (i) => y[i]);
    H.push(new LazyTable(softplusSum(offsets, weights), softplusTails(offsets, weights)));
    const counts = new Map<number, number>();
    for (const i of nonzero) counts.set(y[i], (counts.get(y[i]) ?? 0) + 1);
    const values = Float64Array.from(counts.keys());
    const multiplicity = Float64Array.from(counts.values());
    L.push(new LazyTable(normaliserSum(values, multiplicity), normaliserTails(values, multiplicity)));
  }
  return { L, H, G };
}
