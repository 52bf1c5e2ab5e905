import type { F64 } from '../../distributions/f64_ops.js';
import type { Ops } from '../../distributions/ops.js';
import { lgamma, lgammaRatio } from '../../math/special.js';
import type { RowTables, RowTables2 } from '../../math/lazy_table.js';
import { AdNode, type Arena, Op, type OpCode } from './ad_node.js';
import { backwardNode } from './ad_backward.js';

/* The scalar formulas are those of f64Ops, character for character, so both evaluators round alike. */
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

type BinOp = typeof Op.add | typeof Op.sub | typeof Op.mul | typeof Op.div;
type UnOp = typeof Op.neg | typeof Op.exp | typeof Op.log | typeof Op.log1p | typeof Op.square | typeof Op.sqrt
  | typeof Op.softplus | typeof Op.sigmoid | typeof Op.lgamma;

function scalarBinary(op: BinOp, x: number, y: number): number {
  return op === Op.add ? x + y : op === Op.sub ? x - y : op === Op.mul ? x * y : x / y;
}

/** a (op) b with a scalar broadcast against an array; the switch sits outside the loops. */
function binary(op: BinOp, a: F64, b: F64, arena: Arena): F64 {
  if (typeof a === 'number' && typeof b === 'number') return scalarBinary(op, a, b);
  const n = typeof a === 'number' ? (b as Float64Array).length : a.length;
  const out = arena.take(n);
  if (typeof a === 'number') {
    const y = b as Float64Array;
    if (op === Op.add) for (let i = 0; i < n; i++) out[i] = a + y[i];
    else if (op === Op.sub) for (let i = 0; i < n; i++) out[i] = a - y[i];
    else if (op === Op.mul) for (let i = 0; i < n; i++) out[i] = a * y[i];
    else for (let i = 0; i < n; i++) out[i] = a / y[i];
  } else if (typeof b === 'number') {
    if (op === Op.add) for (let i = 0; i < n; i++) out[i] = a[i] + b;
    else if (op === Op.sub) for (let i = 0; i < n; i++) out[i] = a[i] - b;
    else if (op === Op.mul) for (let i = 0; i < n; i++) out[i] = a[i] * b;
    else for (let i = 0; i < n; i++) out[i] = a[i] / b;
  } else {
    if (op === Op.add) for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (op === Op.sub) for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else if (op === Op.mul) for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
  }
  return out;
}

/** f(a, b) elementwise with a scalar broadcast, into the arena (for the special binary functions). */
export function pairwise(f: (x: number, y: number) => number, a: F64, b: F64, arena: Arena): F64 {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const n = typeof a === 'number' ? (b as Float64Array).length : a.length;
  const out = arena.take(n);
  for (let i = 0; i < n; i++) out[i] = f(typeof a === 'number' ? a : a[i], typeof b === 'number' ? b : b[i]);
  return out;
}

function scalarUnary(op: UnOp, x: number): number {
  switch (op) {
    case Op.neg: return -x;
    case Op.exp: return Math.exp(x);
    case Op.log: return Math.log(x);
    case Op.log1p: return Math.log1p(x);
    case Op.square: return x * x;
    case Op.sqrt: return Math.sqrt(x);
    case Op.softplus: return softplus(x);
    case Op.sigmoid: return sigmoid(x);
    case Op.lgamma: return lgamma(x);
  }
}

function unary(op: UnOp, a: F64, arena: Arena): F64 {
  if (typeof a === 'number') return scalarUnary(op, a);
  const n = a.length;
  const out = arena.take(n);
  // The common ops get their own loop (Math.* inlines); the rest go through the scalar switch.
  if (op === Op.neg) for (let i = 0; i < n; i++) out[i] = -a[i];
  else if (op === Op.exp) for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
  else if (op === Op.log) for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
  else if (op === Op.square) for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
  else for (let i = 0; i < n; i++) out[i] = scalarUnary(op, a[i]);
  return out;
}

/**
 * Reverse-mode automatic differentiation over float64 scalars and arrays, one tape per evaluation.
 * Nodes are recorded in creation order, which is a topological order, so the backward pass is one
 * walk over the tape in reverse. Only nodes that depend on theta are recorded: data columns and
 * constants (and everything computed from them alone) never get an adjoint, which matters because
 * data columns are the long arrays. A tape made with `record = false` computes values only.
 */
export class Tape implements Ops<AdNode> {
  private readonly nodes: AdNode[] = [];
  private readonly terms: AdNode[] = [];
  private readonly counts: number[] = [];

  /** With `shareUnary`, a unary op applied twice to the same node is computed once (see glm_fused.ts). */
  private readonly unaryDone: Map<AdNode, AdNode> | null;

  /** Array values live in `arena` (reset by the caller between evaluations). */
  constructor(private readonly record: boolean, private readonly arena: Arena, shareUnary = false) {
    this.unaryDone = shareUnary ? new Map() : null;
  }

  /** A coordinate block of theta: the leaves the gradient is read from. */
  input(value: F64): AdNode {
    return new AdNode(Op.leaf, value, this.record);
  }

  /** A value that does not depend on theta (a data column or a number). */
  leaf(value: F64): AdNode {
    return new AdNode(Op.leaf, value, false);
  }

  private push(op: OpCode, value: F64, a: AdNode, b: AdNode | null, codes: Int32Array | null = null, index = 0): AdNode {
    const live = a.live || (b !== null && b.live);
    const node = new AdNode(op, value, live, a, b, codes, index);
    if (live) this.nodes.push(node);
    return node;
  }

  private bin(op: BinOp, a: AdNode, b: AdNode): AdNode {
    return this.push(op, binary(op, a.value, b.value, this.arena), a, b);
  }

  private un(op: UnOp, a: AdNode): AdNode {
    const done = this.unaryDone?.get(a);
    if (done && done.op === op) return done;
    const out = this.push(op, unary(op, a.value, this.arena), a, null);
    this.unaryDone?.set(a, out);
    return out;
  }

  c(x: number): AdNode { return this.leaf(x); }
  add(a: AdNode, b: AdNode): AdNode { return this.bin(Op.add, a, b); }
  sub(a: AdNode, b: AdNode): AdNode { return this.bin(Op.sub, a, b); }
  mul(a: AdNode, b: AdNode): AdNode { return this.bin(Op.mul, a, b); }
  div(a: AdNode, b: AdNode): AdNode { return this.bin(Op.div, a, b); }
  neg(a: AdNode): AdNode { return this.un(Op.neg, a); }
  exp(a: AdNode): AdNode { return this.un(Op.exp, a); }
  log(a: AdNode): AdNode { return this.un(Op.log, a); }
  log1p(a: AdNode): AdNode { return this.un(Op.log1p, a); }
  square(a: AdNode): AdNode { return this.un(Op.square, a); }
  sqrt(a: AdNode): AdNode { return this.un(Op.sqrt, a); }
  softplus(a: AdNode): AdNode { return this.un(Op.softplus, a); }
  sigmoid(a: AdNode): AdNode { return this.un(Op.sigmoid, a); }
  lgamma(a: AdNode): AdNode { return this.un(Op.lgamma, a); }
  lgammaRatio(a: AdNode, b: AdNode): AdNode { return this.push(Op.lgammaRatio, pairwise(lgammaRatio, a.value, b.value, this.arena), a, b); }

  /** Row r's table at x (or x[r]); the slopes are kept (as a constant operand) for the backward pass. */
  table(tables: RowTables, x: AdNode): AdNode {
    const n = tables.length;
    const value = this.arena.take(n);
    const slope = this.arena.take(n);
    const xv = x.value;
    for (let r = 0; r < n; r++) {
      const at = typeof xv === 'number' ? xv : xv[r];
      value[r] = tables[r].value(at);
      slope[r] = tables[r].slope(at);
    }
    return this.push(Op.table, value, x, this.leaf(slope));
  }

  /** Row r's two-variable table at (a[r], b[r]); the backward pass asks the tables for the partials. */
  table2(tables: RowTables2, a: AdNode, b: AdNode): AdNode {
    const n = tables.length;
    const value = this.arena.take(n);
    const [av, bv] = [a.value, b.value];
    for (let r = 0; r < n; r++) value[r] = tables[r].value2(typeof av === 'number' ? av : av[r], typeof bv === 'number' ? bv : bv[r]);
    const live = a.live || b.live;
    const node = new AdNode(Op.table2, value, live, a, b, null, 0, tables);
    if (live) this.nodes.push(node);
    return node;
  }

  /** out[i] = v[codes[i]] for a vector node v; a code of -1 (a contrast's reference level) gives 0. */
  gather(v: AdNode, codes: Int32Array): AdNode {
    const x = v.value as Float64Array;
    const n = codes.length;
    const out = this.arena.take(n);
    for (let i = 0; i < n; i++) out[i] = codes[i] < 0 ? 0 : x[codes[i]];
    return this.push(Op.gather, out, v, null, codes);
  }

  /** The scalar v[index] of a vector node v. */
  pick(v: AdNode, index: number): AdNode {
    return this.push(Op.pick, (v.value as Float64Array)[index], v, null, null, index);
  }

  /**
   * Adds up a term of the log density (a scalar stands for `count` equal elements, as in sumF64) and
   * keeps it to seed its adjoint with d(total)/d(term) = 1 per element. Plain left-to-right summation
   * suffices in float64: its error is at most n eps sum|x_i| (about 8e-12 relative for 68,627 rows, and
   * typically sqrt(n) eps ~ 3e-14), far below what any engine can notice.
   */
  sum(node: AdNode, count: number): number {
    if (node.live) {
      this.terms.push(node);
      this.counts.push(count);
    }
    const v = node.value;
    if (typeof v === 'number') return v * count;
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i];
    return s;
  }

  /**
   * Seeds the terms' adjoints, then propagates them back to the inputs. Seeding here rather than in
   * `sum` keeps the forward pass's arena requests the same with and without a gradient.
   */
  backward(): void {
    for (let k = 0; k < this.terms.length; k++) {
      const node = this.terms[k];
      const v = node.value;
      if (typeof v === 'number') node.adj += this.counts[k];
      else if (node.adjArr === null) node.adjArr = this.arena.take(v.length).fill(1);
      else for (let i = 0; i < v.length; i++) node.adjArr[i] += 1;
    }
    for (let i = this.nodes.length - 1; i >= 0; i--) backwardNode(this.nodes[i], this.arena);
  }
}
