import type { Ops } from '../../distributions/ops.js';
import { digamma, lgamma, lgammaRatio, lgammaRatioDphi, lgammaRatioDy } from '../../math/special.js';
import type { RowTables, RowTables2 } from '../../math/lazy_table.js';

/**
 * Where a node's value lives: one number (SCALAR), one per data row (ROWS), or one per element of a
 * vector parameter (elementsOf(p)). The generated code computes SCALAR nodes once per call and the
 * others inside a loop over their domain.
 */
export type Domain = number;
export const SCALAR: Domain = 0;
export const ROWS: Domain = 1;
export const elementsOf = (param: number): Domain => 2 + param;

/** The arithmetic of a node, as the Ops interface names it. */
export type ArithKind = 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'exp' | 'log' | 'log1p' | 'square' | 'sqrt' | 'softplus' | 'sigmoid' | 'lgamma' | 'lgammaRatio' | 'table' | 'table2';

/**
 * Leaves: a number; theta[slot] (a scalar parameter); theta[slot + i] (element i of a vector parameter's
 * block); x_p[i] (the constrained vector parameter p, element i of its own loop); a data column's row;
 * x_p[codes[row]] (a vector parameter gathered by a factor); x_p[index].
 */
export type LeafKind = 'const' | 'theta' | 'thetaElem' | 'xElem' | 'data' | 'gather' | 'pick';

/**
 * One value of the log density's computation graph. Only kinds, indices and numbers: no names, no
 * strings from the model, so the source emitted from a graph cannot contain anything a user wrote.
 */
export interface GNode {
  readonly id: number;
  readonly kind: ArithKind | LeafKind;
  readonly domain: Domain;
  /** Depends on theta: only these get an adjoint. */
  readonly live: boolean;
  readonly a?: GNode;
  readonly b?: GNode;
  /** const: the number. */
  readonly value?: number;
  /** theta/thetaElem: the offset in theta; data: the column's index; xElem/gather/pick: the parameter; table: the tables' index. */
  readonly slot?: number;
  /** gather: the index of its codes array. */
  readonly codes?: number;
  /** pick: the element read. */
  readonly index?: number;
}

/** The graph cannot be expressed as loops over one domain at a time (the tape evaluates it instead). */
export class UnsupportedGraph extends Error {}

/* The scalar formulas of f64Ops and the tape, character for character, so that folded constants and
 * the generated code round as the taped evaluator does. */
export const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
export const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/**
 * A pure function of one number behind a small direct-mapped cache. In a count likelihood the special
 * functions' argument per row is y + phi with phi the same for every row and y a small integer, mostly
 * 0 (lgamma(y + phi) of a negative binomial): a few distinct values over thousands of rows. The slot is
 * the argument's integer part (distinct for y + phi with distinct y), the hit an exact equality, so the
 * result is bit for bit the function's.
 */
export function memoised(f: (x: number) => number): (x: number) => number {
  const cached = memoised2((x) => f(x));
  return (x) => cached(x, 0);
}

/**
 * The cache for a function of a count y and a parameter phi the same on every row (lgammaRatio(y, phi)):
 * slotted by y, hit when both arguments are equal; `memoised` is it with phi fixed at 0.
 */
export function memoised2(f: (y: number, phi: number) => number): (y: number, phi: number) => number {
  const SLOTS = 64;
  const ys = new Float64Array(SLOTS).fill(NaN);
  const phis = new Float64Array(SLOTS).fill(NaN);
  const values = new Float64Array(SLOTS);
  return (y: number, phi: number): number => {
    if (!(y >= 0 && y < 1e9)) return f(y, phi);
    const k = (y | 0) & (SLOTS - 1);
    if (ys[k] === y && phis[k] === phi) return values[k];
    const v = f(y, phi);
    ys[k] = y;
    phis[k] = phi;
    values[k] = v;
    return v;
  };
}

/** The special functions the generated code calls (the others it writes out), each behind its own cache. */
export const HELPERS = {
  lgamma: memoised(lgamma), digamma: memoised(digamma),
  lgammaRatio: memoised2(lgammaRatio), lgammaRatioDphi: memoised2(lgammaRatioDphi), lgammaRatioDy: memoised2(lgammaRatioDy),
} as const;

function fold(kind: ArithKind, x: number, y: number): number {
  switch (kind) {
    case 'add': return x + y;
    case 'sub': return x - y;
    case 'mul': return x * y;
    case 'div': return x / y;
    case 'neg': return -x;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'log1p': return Math.log1p(x);
    case 'square': return x * x;
    case 'sqrt': return Math.sqrt(x);
    case 'softplus': return softplus(x);
    case 'sigmoid': return sigmoid(x);
    case 'lgamma': return lgamma(x);
    case 'lgammaRatio': return lgammaRatio(x, y);
    case 'table':
    case 'table2':
      break;
  }
  throw new Error('a table is never folded');
}

const numberKey = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/**
 * Records the log density as a graph by running the distributions' and bijectors' own formulas (written
 * once against Ops) on symbolic nodes: one node per operation, as the taped evaluator records them
 * (js/ad_ops.ts), so that the generated code can add up every adjoint in the tape's order and round as it
 * does. Leaves are made once per value (a number, a column, a parameter's block). Operations on numbers
 * alone are folded to a number, evaluated here by the same JavaScript the generated code would run
 * (the tape does not record them either), so folding changes no bit.
 */
export class GraphBuilder implements Ops<GNode> {
  readonly nodes: GNode[] = [];
  /** The row tables the graph reads, by index (passed to the generated code as T). */
  readonly tables: (RowTables | RowTables2)[] = [];
  private readonly made = new Map<string, GNode>();

  private node(key: string, make: (id: number) => GNode): GNode {
    let n = this.made.get(key);
    if (!n) {
      n = make(this.nodes.length);
      this.nodes.push(n);
      this.made.set(key, n);
    }
    return n;
  }

  c(x: number): GNode {
    return this.node(`c|${numberKey(x)}`, (id) => ({ id, kind: 'const', domain: SCALAR, live: false, value: x }));
  }

  leaf(kind: Exclude<LeafKind, 'const'>, domain: Domain, slot: number, extra: { codes?: number; index?: number } = {}): GNode {
    const live = kind !== 'data';
    // A gather or a pick is an operation on the tape, one node per use; the others are values.
    const key = kind === 'gather' || kind === 'pick' ? `#${this.nodes.length}` : `${kind}|${domain}|${slot}`;
    return this.node(key, (id) => ({ id, kind, domain, live, slot, ...extra }));
  }

  private op(kind: ArithKind, a: GNode, b?: GNode): GNode {
    if (a.kind === 'const' && (b === undefined || b.kind === 'const')) return this.c(fold(kind, a.value!, b?.value ?? NaN));
    const domain = joinDomains(a.domain, b?.domain ?? SCALAR);
    const live = a.live || (b?.live ?? false);
    return this.node(`#${this.nodes.length}`, (id) => ({ id, kind, domain, live, a, ...(b ? { b } : {}) }));
  }

  add(a: GNode, b: GNode): GNode { return this.op('add', a, b); }
  sub(a: GNode, b: GNode): GNode { return this.op('sub', a, b); }
  mul(a: GNode, b: GNode): GNode { return this.op('mul', a, b); }
  div(a: GNode, b: GNode): GNode { return this.op('div', a, b); }
  neg(a: GNode): GNode { return this.op('neg', a); }
  exp(a: GNode): GNode { return this.op('exp', a); }
  log(a: GNode): GNode { return this.op('log', a); }
  log1p(a: GNode): GNode { return this.op('log1p', a); }
  square(a: GNode): GNode { return this.op('square', a); }
  sqrt(a: GNode): GNode { return this.op('sqrt', a); }
  softplus(a: GNode): GNode { return this.op('softplus', a); }
  sigmoid(a: GNode): GNode { return this.op('sigmoid', a); }
  lgamma(a: GNode): GNode { return this.op('lgamma', a); }
  lgammaRatio(a: GNode, b: GNode): GNode { return this.op('lgammaRatio', a, b); }

  /** One value per row whatever x's domain (each row reads its own table), never folded. */
  table(tables: RowTables, x: GNode): GNode {
    let slot = this.tables.indexOf(tables);
    if (slot < 0) slot = this.tables.push(tables) - 1;
    const domain = joinDomains(ROWS, x.domain);
    return this.node(`#${this.nodes.length}`, (id) => ({ id, kind: 'table', domain, live: x.live, a: x, slot }));
  }

  table2(tables: RowTables2, a: GNode, b: GNode): GNode {
    let slot = this.tables.indexOf(tables);
    if (slot < 0) slot = this.tables.push(tables) - 1;
    const domain = joinDomains(joinDomains(ROWS, a.domain), b.domain);
    return this.node(`#${this.nodes.length}`, (id) => ({ id, kind: 'table2', domain, live: a.live || b.live, a, b, slot }));
  }
}

/** A scalar broadcasts into any domain; two different loop domains cannot meet in one element. */
function joinDomains(a: Domain, b: Domain): Domain {
  if (a === SCALAR) return b;
  if (b === SCALAR || a === b) return a;
  throw new UnsupportedGraph(`an operation mixes two loop domains (${a} and ${b})`);
}
