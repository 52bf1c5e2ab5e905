import type { IrExpr } from './ir.js';
import { isHostComputable } from './lower_expr.js';
import { evalExpr } from './eval_f64.js';

/**
 * Replaces each data-only row expression (`log(total_count)`) by a column computed once in float64,
 * so the graph never recomputes it and float32 never sees the intermediate steps.
 */
export function hoistDataExprs(e: IrExpr, numeric: Map<string, Float64Array>, nRows: number): IrExpr {
  if (e.op === 'data' || e.op === 'const') return e;
  if (isHostComputable(e)) {
    const name = `~${numeric.size}`;
    const v = evalExpr(e, [], { file: '', nRows, numeric, factors: new Map() });
    numeric.set(name, typeof v === 'number' ? new Float64Array(nRows).fill(v) : v);
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
