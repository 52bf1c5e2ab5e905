import type { IrExpr } from './ir.js';
import { isHostComputable } from './lower_expr.js';
import { evalExpr } from './eval_f64.js';

/**
 * Columns computed from one data column, remembered by that column's array and the expression: fit-genes
 * binds one response after another to the same cells, whose log(total_count) is then computed once.
 * The arrays are shared, so nothing writes to them.
 */
const computedFrom = new WeakMap<Float64Array, Map<string, Float64Array>>();

function computed(e: IrExpr, numeric: Map<string, Float64Array>, nRows: number): Float64Array {
  const evaluate = (): Float64Array => {
    const v = evalExpr(e, [], { file: '', nRows, numeric, factors: new Map() });
    return typeof v === 'number' ? new Float64Array(nRows).fill(v) : v;
  };
  const columns = new Set<string>();
  dataColumns(e, columns);
  if (columns.size !== 1) return evaluate();
  const source = numeric.get([...columns][0]);
  if (!source) return evaluate();
  const key = JSON.stringify(e);
  let memo = computedFrom.get(source);
  if (!memo) computedFrom.set(source, (memo = new Map()));
  let v = memo.get(key);
  if (!v) memo.set(key, (v = evaluate()));
  return v;
}

function dataColumns(e: IrExpr, out: Set<string>): void {
  if (e.op === 'data') out.add(e.column);
  else if (e.op === 'neg' || e.op === 'call') dataColumns(e.arg, out);
  else if (e.op === 'bin') {
    dataColumns(e.a, out);
    dataColumns(e.b, out);
  }
}

/**
 * Replaces each data-only row expression (`log(total_count)`) by a column computed once in float64,
 * so the graph never recomputes it and float32 never sees the intermediate steps.
 */
export function hoistDataExprs(e: IrExpr, numeric: Map<string, Float64Array>, nRows: number): IrExpr {
  if (e.op === 'data' || e.op === 'const') return e;
  if (isHostComputable(e)) {
    const name = `~${numeric.size}`;
    numeric.set(name, computed(e, numeric, nRows));
    return { op: 'data', column: name };
  }
  switch (e.op) {
    case 'neg':
    case 'call':
      return { ...e, arg: hoistDataExprs(e.arg, numeric, nRows) };
    case 'bin':
      return { ...e, a: hoistDataExprs(e.a, numeric, nRows), b: hoistDataExprs(e.b, numeric, nRows) };
    default:
      return e;
  }
}
