import type { IrData, IrExpr } from './ir.js';

/** The factors an expression gathers by. */
export function factorsOf(e: IrExpr, out: Set<string> = new Set()): Set<string> {
  if (e.op === 'gather') out.add(e.factor);
  if (e.op === 'neg' || e.op === 'call') factorsOf(e.arg, out);
  if (e.op === 'bin') {
    factorsOf(e.a, out);
    factorsOf(e.b, out);
  }
  return out;
}

export interface Cells {
  readonly cellOfRow: Int32Array;
  readonly codes: Int32Array[];
  readonly nCells: number;
}

/**
 * The grouping of the same factor columns (the same arrays), remembered: fit-genes binds one response
 * after another to one table, and the grouping depends on the factors alone. The result is shared, so
 * callers never write to it.
 */
const grouped = new WeakMap<Int32Array, { readonly cols: readonly Int32Array[]; readonly cells: Cells }[]>();

/** Rows grouped by the combination of factor levels they carry, cells numbered by first appearance. */
export function cellsOf(data: IrData, factors: readonly string[]): Cells {
  const cols = factors.map((f) => data.factors.get(f)!.codes);
  if (cols.length === 0) return groupRows(data, factors, cols);
  const seen = grouped.get(cols[0]) ?? [];
  const hit = seen.find((e) => e.cols.length === cols.length && e.cols.every((c, j) => c === cols[j]));
  if (hit) return hit.cells;
  const cells = groupRows(data, factors, cols);
  grouped.set(cols[0], [...seen, { cols, cells }]);
  return cells;
}

function groupRows(data: IrData, factors: readonly string[], cols: readonly Int32Array[]): Cells {
  // A row's cell as one number, codes in mixed radix (+1 for the contrast code -1), so no string is
  // made per row; combinations too many for an exact double fall back to string keys.
  const radix = factors.map((f) => data.factors.get(f)!.levels.length + 1);
  const exact = radix.reduce((a, b) => a * b, 1) <= Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const cellOfRow = new Int32Array(data.nRows);
  const codes: number[][] = factors.map(() => []);
  // Keys column by column in plain loops: a closure per row cost more than the Map at 10^6 rows.
  const keys = exact ? new Float64Array(data.nRows) : undefined;
  if (keys) cols.forEach((col, j) => { for (let i = 0; i < keys.length; i++) keys[i] = keys[i] * radix[j] + col[i] + 1; });
  for (let i = 0; i < data.nRows; i++) {
    const key = keys ? keys[i] : cols.map((c) => c[i]).join(',');
    let c = index.get(key);
    if (c === undefined) {
      c = index.size;
      index.set(key, c);
      for (let j = 0; j < cols.length; j++) codes[j].push(cols[j][i]);
    }
    cellOfRow[i] = c;
  }
  return { cellOfRow, codes: codes.map((c) => Int32Array.from(c)), nCells: Math.max(index.size, data.nRows > 0 ? 1 : 0) };
}

export type Term = { readonly sign: 1 | -1; readonly expr: IrExpr };

/** eta = t1 + t2 - t3 ...: the signed additive terms of an expression. */
export function additiveTerms(e: IrExpr, sign: 1 | -1 = 1, out: Term[] = []): Term[] {
  if (e.op === 'bin' && (e.o === '+' || e.o === '-')) {
    additiveTerms(e.a, sign, out);
    additiveTerms(e.b, e.o === '+' ? sign : (-sign as 1 | -1), out);
  } else if (e.op === 'neg') {
    additiveTerms(e.arg, (-sign as 1 | -1), out);
  } else {
    out.push({ sign, expr: e });
  }
  return out;
}

/** No data inside: the expression is constant within a cell of the factors it gathers by. */
export function cellLevel(e: IrExpr): boolean {
  switch (e.op) {
    case 'data':
      return false;
    case 'neg':
    case 'call':
      return cellLevel(e.arg);
    case 'bin':
      return cellLevel(e.a) && cellLevel(e.b);
    default:
      return true;
  }
}

export function rebuildSum(terms: readonly Term[]): IrExpr {
  let acc: IrExpr | undefined;
  for (const t of terms) {
    if (!acc) acc = t.sign === 1 ? t.expr : { op: 'neg', arg: t.expr };
    else acc = { op: 'bin', o: t.sign === 1 ? '+' : '-', a: acc, b: t.expr };
  }
  return acc ?? { op: 'const', value: 0 };
}

