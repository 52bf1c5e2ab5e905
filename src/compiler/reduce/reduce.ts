import type { IrData, IrExpr, IrLikelihood, ModelIR } from '../ir.js';
import { hostConstant } from '../layout.js';
import { BINOMIAL_LOGIT, NORMAL_STATS } from './forms.js';
import { negBinCellsForm, negBinTables } from './negbin_cells.js';
import { nonZeroRows } from '../../math/nonzero.js';
import { additiveTerms, cellLevel, cellsOf, factorsOf, rebuildSum, type Term } from '../cells.js';

/** Why a model keeps its row-wise graph, or how much smaller it became. */
export type ReductionReport =
  | { readonly path: 'reduced'; readonly rows: number; readonly cells: number; readonly factors: readonly string[] }
  | { readonly path: 'rowwise'; readonly rows: number; readonly reason: string };

/** How one likelihood reduces: its cell-level predictor and the per-row data it needs summed. */
type Plan =
  | { kind: 'poisson'; eta: IrExpr; offset: readonly Term[] }
  | { kind: 'negbin'; eta: IrExpr; offset: readonly Term[]; phi: IrExpr }
  | { kind: 'binomial'; eta: IrExpr; trials: IrExpr | null }
  | { kind: 'normal'; mu: IrExpr; sigma: IrExpr };

function planFor(lik: IrLikelihood): Plan | string {
  const name = lik.dist.name;
  const formIndex = lik.dist.forms.indexOf(lik.form);
  if (name === 'Poisson' && formIndex === 0) {
    const terms = additiveTerms(lik.args[0]);
    const offset = terms.filter((t) => t.expr.op === 'data');
    const rest = terms.filter((t) => t.expr.op !== 'data');
    if (!rest.every((t) => cellLevel(t.expr))) return `the log rate of '${lik.column}' has a per-row covariate`;
    return { kind: 'poisson', eta: rebuildSum(rest), offset };
  }
  if (name === 'NegativeBinomial' && formIndex === 0) {
    const terms = additiveTerms(lik.args[0]);
    const offset = terms.filter((t) => t.expr.op === 'data');
    const rest = terms.filter((t) => t.expr.op !== 'data');
    if (!rest.every((t) => cellLevel(t.expr)) || !cellLevel(lik.args[1])) return `the log mean or dispersion of '${lik.column}' has a per-row covariate`;
    return { kind: 'negbin', eta: rebuildSum(rest), offset, phi: lik.args[1] };
  }
  if ((name === 'Bernoulli' || name === 'Binomial') && lik.form.args.some((a) => a.name === 'logit')) {
    const eta = lik.args[lik.form.args.findIndex((a) => a.name === 'logit')];
    if (!cellLevel(eta)) return `the logit of '${lik.column}' has a per-row covariate`;
    return { kind: 'binomial', eta, trials: name === 'Binomial' ? lik.args[0] : null };
  }
  if (name === 'Normal') {
    const [mu, sigma] = lik.args;
    if (!cellLevel(mu) || !cellLevel(sigma)) return `the mean or sd of '${lik.column}' has a per-row covariate`;
    return { kind: 'normal', mu, sigma };
  }
  return `${name}${formIndex > 0 ? ` (${lik.form.args.map((a) => a.name).join(', ')})` : ''} likelihoods are evaluated row by row`;
}

function sumByCell(values: (i: number) => number, cellOfRow: Int32Array, nCells: number): Float64Array {
  const out = new Float64Array(nCells);
  for (let i = 0; i < cellOfRow.length; i++) out[cellOfRow[i]] += values(i);
  return out;
}

/**
 * Exact data reduction: when every likelihood depends on a row only through factor levels (and, for
 * Poisson, an additive offset), the log likelihood depends on the data only through per-cell sums.
 * Returns a model over the cells whose log density differs from the row-wise one by a constant
 * (folded into `reduction.constant`) and whose gradient is the same.
 */
export function reduceModel(ir: ModelIR): { ir: ModelIR; report: ReductionReport } {
  const rows = ir.data.nRows;
  const rowwise = (reason: string) => ({ ir, report: { path: 'rowwise', rows, reason } as const });
  if (ir.likelihoods.length === 0) return rowwise('the model has no likelihood');
  const plans: Plan[] = [];
  for (const lik of ir.likelihoods) {
    const p = planFor(lik);
    if (typeof p === 'string') return rowwise(p);
    plans.push(p);
  }
  const factorSet = new Set<string>();
  for (const lik of ir.likelihoods) lik.args.forEach((a) => factorsOf(a, factorSet));
  const factors = [...factorSet].sort();
  const { cellOfRow, codes, nCells } = cellsOf(ir.data, factors);
  if (nCells >= rows) return rowwise('every row is its own cell');
  const data = (e: IrExpr): Float64Array => ir.data.numeric.get((e as { column: string }).column)!;
  const offsetsOf = (plan: Plan & { offset: readonly Term[] }) => offsetSums(plan.offset.map((t) => ({ sign: t.sign, v: data(t.expr) })), cellOfRow, nCells, rows);
  for (const [j, plan] of plans.entries()) {
    if (plan.kind !== 'negbin') continue;
    const spread = offsetSpread(offsetsOf(plan).off, cellOfRow, nCells);
    if (!(spread <= MAX_OFFSET_SPREAD)) {
      return rowwise(`the offsets of '${ir.likelihoods[j].column}' differ by ${Number.isFinite(spread) ? `up to ${spread.toPrecision(3)}` : 'an infinite amount'} within a cell (a table over that range would not fit)`);
    }
  }
  const numeric = new Map<string, Float64Array>();
  const col = (v: Float64Array): IrExpr => {
    const key = `~cell${numeric.size}`;
    numeric.set(key, v);
    return { op: 'data', column: key };
  };
  // Row-wise minus reduced kernels: a data-only constant (nonzero only for offsets).
  let shift = 0;
  const likelihoods: IrLikelihood[] = ir.likelihoods.map((lik, j) => {
    const plan = plans[j];
    const y = ir.data.numeric.get(lik.column)!;
    const nz = nonZeroRows(y);
    const sy = new Float64Array(nCells);
    for (let k = 0; k < nz.length; k++) sy[cellOfRow[nz[k]]] += y[nz[k]];
    const yCol = col(sy) as { column: string };
    if (plan.kind === 'poisson') {
      // sum_i y_i (eta + o_i) - exp(eta + o_i) = S_y (eta + log T) - exp(eta) T - (S_y log T - sum_i y_i o_i), T = sum_i exp(o_i)
      const { off, logT } = offsetsOf(plan);
      for (let k = 0; k < nz.length; k++) shift += y[nz[k]] * off[nz[k]];
      for (let c = 0; c < nCells; c++) shift -= sy[c] * logT[c];
      return { ...lik, column: yCol.column, args: [{ op: 'bin', o: '+', a: plan.eta, b: col(logT) }] };
    }
    if (plan.kind === 'negbin') {
      // sum_i y_i (eta + o_i) = S_y eta + sum_i y_i o_i: the second sum is data (negbin_cells.ts has the rest).
      const { off, logT } = offsetsOf(plan);
      for (let k = 0; k < nz.length; k++) shift += y[nz[k]] * off[nz[k]];
      const dist = negBinCellsForm(negBinTables(y, off, logT, cellOfRow, nCells, factorsOf(plan.phi).size === 0));
      const m = countMoments(y, off, logT, cellOfRow, nCells);
      return { ...lik, dist, form: dist.forms[0], column: yCol.column, args: [plan.eta, plan.phi], exposure: col(logT), moments: { y2: col(m.y2), yw: col(m.yw), w2: col(m.w2) } };
    }
    if (plan.kind === 'binomial') {
      const t = plan.trials;
      const trials = t === null ? () => 1 : t.op === 'const' ? () => t.value : ((v: Float64Array) => (i: number) => v[i])(data(t));
      const n = sumByCell(trials, cellOfRow, nCells);
      return { ...lik, dist: BINOMIAL_LOGIT.dist, form: BINOMIAL_LOGIT.form, column: yCol.column, args: [col(n), plan.eta] };
    }
    const s2 = sumByCell((i) => y[i] * y[i], cellOfRow, nCells);
    const count = sumByCell(() => 1, cellOfRow, nCells);
    return { ...lik, dist: NORMAL_STATS, form: NORMAL_STATS.forms[0], column: yCol.column, args: [plan.mu, plan.sigma, col(count), col(s2)] };
  });
  const reducedData: IrData = {
    file: ir.data.file, nRows: nCells, numeric,
    factors: new Map(factors.map((f, j) => [f, { levels: ir.data.factors.get(f)!.levels, codes: codes[j] }])),
  };
  // value + constant stays the row-wise normalised density.
  const constant = hostConstant(ir) + shift;
  const reduced: ModelIR = { ...ir, likelihoods, data: reducedData, reduction: { rows, cells: nCells, constant } };
  return { ir: reduced, report: { path: 'reduced', rows, cells: nCells, factors } };
}

/**
 * The widest a cell's offsets may spread for its negative binomial tables (lazy_table.ts covers the
 * offsets' range plus 80, on a grid of 1/4): log total counts spread by 5 or so; a covariate in the 1e6s
 * written as an offset would need millions of nodes per cell.
 */
const MAX_OFFSET_SPREAD = 200;

/** The largest max - min of the offsets within a cell (Infinity where one is not finite), remembered per offsets array. */
function offsetSpread(off: Float64Array, cellOfRow: Int32Array, nCells: number): number {
  const known = spreads.get(off);
  if (known !== undefined) return known;
  const spread = measureSpread(off, cellOfRow, nCells);
  spreads.set(off, spread);
  return spread;
}
const spreads = new WeakMap<Float64Array, number>();

function measureSpread(off: Float64Array, cellOfRow: Int32Array, nCells: number): number {
  const lo = new Float64Array(nCells).fill(Infinity);
  const hi = new Float64Array(nCells).fill(-Infinity);
  for (let i = 0; i < off.length; i++) {
    const c = cellOfRow[i];
    if (!Number.isFinite(off[i])) return Infinity;
    if (off[i] < lo[c]) lo[c] = off[i];
    if (off[i] > hi[c]) hi[c] = off[i];
  }
  let spread = 0;
  for (let c = 0; c < nCells; c++) if (hi[c] - lo[c] > spread) spread = hi[c] - lo[c];
  return spread;
}

type Offsets = readonly { readonly sign: 1 | -1; readonly v: Float64Array }[];

/**
 * The offsets' per-row sum and its per-cell log-sum-exp, remembered for the same offset arrays and cells
 * (fit-genes: one response after another on the same cells). Shared, so never written to.
 */
const offsetMemo = new WeakMap<Int32Array, { readonly offsets: Offsets; readonly off: Float64Array; readonly logT: Float64Array }[]>();

function offsetSums(offsets: Offsets, cellOfRow: Int32Array, nCells: number, rows: number): { off: Float64Array; logT: Float64Array } {
  const seen = offsetMemo.get(cellOfRow) ?? [];
  const same = (o: Offsets): boolean => o.length === offsets.length && o.every((t, j) => t.sign === offsets[j].sign && t.v === offsets[j].v);
  const hit = seen.find((e) => same(e.offsets));
  if (hit) return hit;
  const off = new Float64Array(rows);
  for (const t of offsets) for (let i = 0; i < rows; i++) off[i] += t.sign * t.v[i];
  const entry = { offsets, off, logT: logSumExpByCell(off, cellOfRow, nCells) };
  offsetMemo.set(cellOfRow, [...seen, entry]);
  return entry;
}

/**
 * Per cell, sum y^2 and sum y w over the rows with a count, and sum w^2 over all rows (the same for every
 * gene on these cells: remembered per offsets), w_i = e^(o_i - logT) (IrLikelihood.moments).
 */
function countMoments(y: Float64Array, off: Float64Array, logT: Float64Array, cellOfRow: Int32Array, nCells: number): { y2: Float64Array; yw: Float64Array; w2: Float64Array } {
  let known = shares.get(off);
  if (!known || known.w2.length !== nCells) {
    const w = Float64Array.from(off, (o, i) => Math.exp(o - logT[cellOfRow[i]]));
    const w2 = new Float64Array(nCells);
    for (let i = 0; i < w.length; i++) w2[cellOfRow[i]] += w[i] * w[i];
    known = { w, w2 };
    shares.set(off, known);
  }
  const { w, w2 } = known;
  const y2 = new Float64Array(nCells);
  const yw = new Float64Array(nCells);
  const nz = nonZeroRows(y);
  for (let k = 0; k < nz.length; k++) {
    const i = nz[k];
    const c = cellOfRow[i];
    y2[c] += y[i] * y[i];
    yw[c] += y[i] * w[i];
  }
  return { y2, yw, w2 };
}
/** Each row's share w of its cell's exposure, and sum w^2 per cell, by offsets array. */
const shares = new WeakMap<Float64Array, { readonly w: Float64Array; readonly w2: Float64Array }>();

/** log sum_i exp(o_i) per cell, without overflow for large offsets. */
function logSumExpByCell(off: Float64Array, cellOfRow: Int32Array, nCells: number): Float64Array {
  const max = new Float64Array(nCells).fill(-Infinity);
  for (let i = 0; i < cellOfRow.length; i++) max[cellOfRow[i]] = Math.max(max[cellOfRow[i]], off[i]);
  const s = new Float64Array(nCells);
  for (let i = 0; i < cellOfRow.length; i++) s[cellOfRow[i]] += Math.exp(off[i] - max[cellOfRow[i]]);
  return s.map((v, c) => max[c] + Math.log(v));
}
