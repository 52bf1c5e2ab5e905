import type { F64 } from '../../distributions/f64_ops.js';
import type { Form } from '../../distributions/catalog.js';
import { dependsOnParams, type IrExpr, type IrLikelihood, type ModelIR } from '../ir.js';
import { additiveTerms } from '../cells.js';
import { evalExpr } from '../eval_f64.js';
import { Arena, type AdNode } from './ad_node.js';
import { Tape } from './ad_ops.js';

/** One parameter's share of a linear predictor: sign * coef * x[index of the row]. */
export interface AffineTerm {
  readonly param: number;
  /** Per row the element of the parameter (a factor's code; -1 for a contrast's reference level = 0), or one element for all rows. */
  readonly codes: Int32Array | null;
  readonly index: number;
  /** sign times the parameter-free factor multiplying it (a number, or one per row). */
  readonly coef: F64;
}

/**
 * A GLM likelihood whose linear predictor is affine in the parameters (sums of `beta[g]`, `b`,
 * `beta["A"]`, each times data or a constant, plus data) and whose other arguments are data: its value
 * and gradient need no tape. eta is one pass over the rows, the kernel and the residual d kernel/d eta
 * (the form's `score`) a few vector operations, and the gradient a scatter-add of the residual: on ZEB2
 * reduced to 160 cells this halves the cost of a gradient, which is most of what NUTS spends.
 */
export interface FusedGlm {
  readonly lik: IrLikelihood;
  readonly score: NonNullable<Form['score']>;
  /** The rows in blocks of at most BLOCK, each with its slices of the data. */
  readonly blocks: readonly RowBlock[];
  /** Scratch for one block at a time (reset per block). */
  readonly scratch: Arena;
}

/** Rows lo..lo+n of a fused likelihood: its terms, offset, other arguments and data, sliced. */
export interface RowBlock {
  readonly n: number;
  readonly terms: readonly AffineTerm[];
  /** The parameter-free part of eta, and the other arguments' values. */
  readonly offset: F64;
  readonly others: readonly F64[];
  readonly y: Float64Array;
}

/**
 * Rows per block: the block's few arrays (eta, the kernel, exp(eta), the residual: 32 KB each) stay in
 * cache from the first pass to the scatter. In one pass over 10^6 rows each is 8 MB, read again from
 * memory by every later pass, and the cost per row grew by half from 10^5 to 10^6 rows.
 */
export const BLOCK = 4096;

const slice = (v: F64, lo: number, hi: number): F64 => (typeof v === 'number' ? v : v.subarray(lo, hi));

/** A fused likelihood before it is cut into blocks: its affine terms, offset, other arguments and data. */
export interface AffineGlm {
  readonly terms: readonly AffineTerm[];
  readonly offset: F64;
  readonly others: readonly F64[];
  readonly y: Float64Array;
}

/**
 * The linear predictor of a likelihood as affine terms, or undefined when it is not an affine GLM (the
 * tape handles it). The generated code (codegen/) builds eta from the same decomposition, so that both
 * sum the same numbers in the same order.
 */
export function affineGlm(ir: ModelIR, lik: IrLikelihood): AffineGlm | undefined {
  const score = lik.form.score;
  if (!score) return undefined;
  if (lik.args.some((a, j) => j !== score.arg && dependsOnParams(a))) return undefined;
  const noParams = ir.params.map(() => new Float64Array(0));
  const value = (e: IrExpr): F64 => evalExpr(e, noParams, ir.data);
  const codes = (factor: string): Int32Array => ir.data.factors.get(factor)!.codes;
  const terms: AffineTerm[] = [];
  const fixed: IrExpr[] = [];
  for (const { sign, expr } of additiveTerms(lik.args[score.arg])) {
    if (!dependsOnParams(expr)) {
      fixed.push(sign === 1 ? expr : { op: 'neg', arg: expr });
      continue;
    }
    let coef: F64 = sign;
    let p = expr;
    if (expr.op === 'bin' && expr.o === '*') {
      const [a, b] = dependsOnParams(expr.a) ? [expr.a, expr.b] : [expr.b, expr.a];
      if (dependsOnParams(b)) return undefined;
      const k = value(b);
      coef = typeof k === 'number' ? sign * k : k.map((v) => sign * v);
      p = a;
    }
    if (p.op === 'gather') terms.push({ param: p.param, codes: codes(p.factor), index: 0, coef });
    else if (p.op === 'param' && ir.params[p.param].size === 1) terms.push({ param: p.param, codes: null, index: 0, coef });
    else if (p.op === 'level') terms.push({ param: p.param, codes: null, index: p.level, coef });
    else return undefined;
  }
  const offset = fixed.reduce<F64>((acc, e) => add(acc, value(e)), 0);
  const others = lik.args.map((a, j) => (j === score.arg ? 0 : value(a)));
  return { terms, offset, others, y: ir.data.numeric.get(lik.column)! };
}

/** The fused form of a likelihood, or undefined when it is not an affine GLM (the tape handles it). */
export function fuseGlm(ir: ModelIR, lik: IrLikelihood): FusedGlm | undefined {
  const affine = affineGlm(ir, lik);
  if (!affine) return undefined;
  const { terms, offset, others, y } = affine;
  const N = ir.data.nRows;
  const blocks: RowBlock[] = [];
  for (let lo = 0; lo < N; lo += BLOCK) {
    const hi = Math.min(N, lo + BLOCK);
    blocks.push({
      n: hi - lo,
      terms: terms.map((t) => ({ ...t, codes: t.codes && t.codes.subarray(lo, hi), coef: slice(t.coef, lo, hi) })),
      offset: slice(offset, lo, hi),
      others: others.map((o) => slice(o, lo, hi)),
      y: y.subarray(lo, hi),
    });
  }
  return { lik, score: lik.form.score!, blocks, scratch: new Arena() };
}

function add(a: F64, b: F64): F64 {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const n = typeof a === 'number' ? (b as Float64Array).length : a.length;
  return Float64Array.from({ length: n }, (_, i) => (typeof a === 'number' ? a : a[i]) + (typeof b === 'number' ? b : b[i]));
}

const elementOf = (x: F64, index: number): number => (typeof x === 'number' ? x : x[index]);

/**
 * The fused likelihood's value at the constrained parameters `xs`; with `record`, its gradient is added
 * straight into their adjoints (its seed, d total / d term, is 1, so it need not wait for the tape's
 * backward pass, which then carries it through the bijectors). Adjoints the parameters lack come from
 * `arena`, after every other forward request, so value-only calls ask it for a prefix of what gradient
 * calls ask; everything else lives in the likelihood's own scratch, block by block.
 */
export function fusedValue(f: FusedGlm, xs: readonly AdNode[], arena: Arena, record: boolean): number {
  let total = 0;
  for (const b of f.blocks) {
    f.scratch.reset();
    total += blockValue(f, b, xs, arena, record);
  }
  return total;
}

function blockValue(f: FusedGlm, b: RowBlock, xs: readonly AdNode[], arena: Arena, record: boolean): number {
  const { n } = b;
  const eta = f.scratch.take(n);
  if (typeof b.offset === 'number') eta.fill(b.offset);
  else eta.set(b.offset);
  for (const t of b.terms) {
    const x = xs[t.param].value;
    if (t.codes === null) {
      const v = elementOf(x, t.index);
      if (typeof t.coef === 'number') for (let i = 0; i < n; i++) eta[i] += t.coef * v;
      else for (let i = 0; i < n; i++) eta[i] += t.coef[i] * v;
    } else {
      const xv = x as Float64Array;
      const c = t.codes;
      if (typeof t.coef === 'number') {
        for (let i = 0; i < n; i++) if (c[i] >= 0) eta[i] += t.coef * xv[c[i]];
      } else {
        for (let i = 0; i < n; i++) if (c[i] >= 0) eta[i] += t.coef[i] * xv[c[i]];
      }
    }
  }
  // The kernel and the residual in the catalog's own formulas, on a tape that records nothing; both
  // take exp(eta) or sigmoid(eta), computed once (160 exps are most of a ZEB2 gradient).
  const ops = new Tape(false, f.scratch, true);
  const args = b.others.map((v, j) => ops.leaf(j === f.score.arg ? eta : v));
  const yLeaf = ops.leaf(b.y);
  const kernel = f.lik.form.kernel(ops, yLeaf, args).value;
  let total = 0;
  if (typeof kernel === 'number') total = kernel * n;
  else for (let i = 0; i < n; i++) total += kernel[i];
  if (record) scatter(b, xs, f.score.fn(ops, yLeaf, args).value, f.scratch, arena);
  return total;
}

/** d total / d x for every term: the residual summed into the elements the rows read. */
function scatter(b: RowBlock, xs: readonly AdNode[], residual: F64, scratch: Arena, arena: Arena): void {
  const { n } = b;
  // A scalar residual (a kernel constant in eta) is spread over the rows once, not tested per row.
  const r = typeof residual === 'number' ? scratch.take(n).fill(residual) : residual;
  for (const t of b.terms) {
    const node = xs[t.param];
    if (!node.live) continue;
    if (t.codes === null) {
      let s = 0;
      if (typeof t.coef === 'number') {
        for (let i = 0; i < n; i++) s += r[i];
        s *= t.coef;
      } else {
        for (let i = 0; i < n; i++) s += r[i] * t.coef[i];
      }
      if (typeof node.value === 'number') node.adj += s;
      else (node.adjArr ??= arena.zeros(node.value.length))[t.index] += s;
    } else {
      const g = (node.adjArr ??= arena.zeros((node.value as Float64Array).length));
      const c = t.codes;
      if (typeof t.coef === 'number') {
        for (let i = 0; i < n; i++) if (c[i] >= 0) g[c[i]] += t.coef * r[i];
      } else {
        for (let i = 0; i < n; i++) if (c[i] >= 0) g[c[i]] += t.coef[i] * r[i];
      }
    }
  }
}
