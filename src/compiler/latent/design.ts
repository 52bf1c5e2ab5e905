import { evalExpr } from '../eval_f64.js';
import type { IrExpr, ModelIR } from '../ir.js';
import { constrainTheta, splitValues } from '../layout.js';
import { affineIn, NotAffine } from './affine.js';

/**
 * A predictor's design in the fixed effects, read off its affine form (affine.ts): per term, the position
 * (in `coords`) of the fixed effect each row reads (-1: none, a contrast's reference level) and its
 * coefficient, with every other parameter at its start (0 unconstrained: random effects at 0, sds 1);
 * and the offset, the rest of the predictor there. Undefined where the predictor is not affine in the
 * fixed effects. One pass over the rows per term, instead of the predictor evaluated twice per
 * coordinate to difference out each column (a gene's 20 cell groups: a millisecond and a half).
 */
export interface SparseDesign {
  readonly offset: Float64Array;
  readonly terms: readonly { readonly position: Int32Array; readonly coef: Float64Array }[];
}

export function sparseDesign(ir: ModelIR, e: IrExpr, coords: readonly number[], isLinear: (q: number) => boolean): SparseDesign | undefined {
  const affine = affineIn(e, isLinear, (q) => ir.params[q].size);
  if (affine instanceof NotAffine) return undefined;
  const positionOf = new Map(coords.map((c, j) => [c, j]));
  const values = splitValues(ir, constrainTheta(ir, new Float64Array(ir.dim)));
  const n = ir.data.nRows;
  const perRow = (x: IrExpr): Float64Array => {
    const v = evalExpr(x, values, ir.data);
    return typeof v === 'number' ? new Float64Array(n).fill(v) : v;
  };
  const terms = affine.terms.map((t) => {
    const base = ir.params[t.param].offset;
    const codes = t.factor === undefined ? undefined : ir.data.factors.get(t.factor)!.codes;
    const position = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const element = codes ? codes[r] : t.element;
      position[r] = element < 0 ? -1 : positionOf.get(base + element) ?? -1;
    }
    return { position, coef: perRow(t.coef) };
  });
  return { offset: perRow(affine.offset), terms };
}

/** The linear parameters' theta coordinates (the fixed effects), with the parameter each belongs to. */
export function linearCoords(ir: ModelIR): { coords: number[]; paramOf: number[]; isLinear: (q: number) => boolean } {
  const linearParams = new Set(ir.params.flatMap((p, i) => (p.linear ? [i] : [])));
  const coords: number[] = [];
  const paramOf: number[] = [];
  ir.params.forEach((p, i) => {
    if (!p.linear) return;
    for (let k = 0; k < p.size; k++) {
      coords.push(p.offset + k);
      paramOf.push(i);
    }
  });
  return { coords, paramOf, isLinear: (q) => linearParams.has(q) };
}

/** The design's dense columns, one per coordinate (zeros for a coordinate the predictor does not read). */
export function denseColumns(design: SparseDesign, p: number): Float64Array[] {
  const n = design.offset.length;
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  for (const { position, coef } of design.terms) {
    for (let r = 0; r < n; r++) if (position[r] >= 0) columns[position[r]][r] += coef[r];
  }
  return columns;
}
