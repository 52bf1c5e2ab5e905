import type { Expr } from '../../language/ast.js';
import type { Column, FactorColumn, NumericColumn } from '../../data/table.js';
import { evalExpr } from '../eval_f64.js';
import type { IrExpr } from '../ir.js';
import { isHostComputable } from '../lower_expr.js';
import { suggest } from '../../language/suggest.js';
import { FormulaError, type DerivedVar } from './terms.js';
import { bSplineBasis, naturalSplineBasis } from './splines.js';

/**
 * Makes the columns a formula derives from the data (`scale(x)`, `I(x * z)`, `log(x)`, `poly(x, 2)1`,
 * `relevel(trt, "B")`) and adds them to `columns` under the names R gives them, so that the terms read
 * them like any column. `lower` turns an expression into IR (data only here: checked).
 */
export function addDerivedColumns(derived: ReadonlyMap<string, DerivedVar>, columns: Map<string, Column>, lower: (e: Expr) => IrExpr): void {
  const polys = new Map<string, Float64Array[]>();
  for (const [name, v] of derived) {
    if (columns.has(name)) continue;
    switch (v.kind) {
      case 'expr':
        columns.set(name, numeric(name, evaluate(name, v.expr, v.span, columns, lower)));
        break;
      case 'scale':
        columns.set(name, numeric(name, scaled(numericSource(v.source, name, columns, v.span).values, name, v.span)));
        break;
      case 'poly': {
        const key = `${v.source}\u0000${v.degree}`;
        let basis = polys.get(key);
        if (!basis) polys.set(key, (basis = orthogonalPolynomials(numericSource(v.source, name, columns, v.span).values, v.degree, name, v.span)));
        columns.set(name, numeric(name, basis[v.column]));
        break;
      }
      case 'spline': {
        const key = `${v.basis}\u0000${v.source}\u0000${v.df}`;
        let basis = polys.get(key);
        if (!basis) polys.set(key, (basis = splineBasis(v, numericSource(v.source, name, columns, v.span).values, name)));
        columns.set(name, numeric(name, basis[v.column]));
        break;
      }
      case 'relevel':
        columns.set(name, relevelled(name, factorSource(v.source, name, columns, v.span), v.ref, v.span));
        break;
    }
  }
}

const numeric = (name: string, values: Float64Array): NumericColumn => ({ kind: 'numeric', name, type: 'real', values });

function numericSource(source: string, name: string, columns: ReadonlyMap<string, Column>, span: DerivedVar['span']): NumericColumn {
  const c = columns.get(source);
  if (c?.kind === 'numeric') return c;
  const close = c ? undefined : suggest(source, [...columns.keys()]);
  throw new FormulaError(c ? `'${source}' is a factor: ${name} needs a numeric column` : `unknown column '${source}' in ${name}`, span,
    close ? `did you mean '${close}'?` : undefined);
}

function factorSource(source: string, name: string, columns: ReadonlyMap<string, Column>, span: DerivedVar['span']): FactorColumn {
  const c = columns.get(source);
  if (c?.kind === 'factor') return c;
  throw new FormulaError(c ? `'${source}' is numeric: ${name} needs a factor` : `unknown column '${source}' in ${name}`, span);
}

/** A data expression per row, in float64; one that reads a parameter, or is not finite somewhere, is refused. */
function evaluate(name: string, expr: Expr, span: DerivedVar['span'], columns: ReadonlyMap<string, Column>, lower: (e: Expr) => IrExpr): Float64Array {
  const ir = lower(expr);
  if (!isHostComputable(ir)) throw new FormulaError(`${name} reads a parameter: a formula term is a function of the data`, span);
  const out = onRows(ir, columns);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new FormulaError(`${name} is ${out[bad]} at data row ${bad + 1}`, span, 'a covariate must be finite in every row');
  return out;
}

/** A data-only expression's value in every row of the columns, in float64. */
export function onRows(ir: IrExpr, columns: ReadonlyMap<string, Column>): Float64Array {
  const cols = [...columns.values()];
  const nRows = cols.length > 0 ? (cols[0].kind === 'numeric' ? cols[0].values.length : cols[0].codes.length) : 0;
  const values = new Map(cols.flatMap((c) => (c.kind === 'numeric' ? [[c.name, c.values] as const] : [])));
  const v = evalExpr(ir, [], { file: '', nRows, numeric: values, factors: new Map() });
  return typeof v === 'number' ? new Float64Array(nRows).fill(v) : Float64Array.from(v);
}

/** R's scale(x): centred at the mean, divided by the sd (n - 1). */
function scaled(x: Float64Array, name: string, span: DerivedVar['span']): Float64Array {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  if (!(sd > 0)) throw new FormulaError(`${name}: the column is constant, so it has no sd to divide by`, span);
  return Float64Array.from(x, (v) => (v - mean) / sd);
}

/**
 * R's poly(x, degree): the powers of x - mean(x), each made orthogonal to the lower ones and scaled to
 * unit length. R takes them from a QR decomposition; the residual of (x - xbar)^k on the lower powers has
 * leading coefficient +1 either way, so Gram-Schmidt (twice, for the digits) gives R's columns, signs
 * included.
 */
export function orthogonalPolynomials(x: Float64Array, degree: number, name: string, span: DerivedVar['span']): Float64Array[] {
  const n = x.length;
  const distinct = new Set(x).size;
  if (degree >= distinct) throw new FormulaError(`${name}: the degree must be less than the number of distinct values (${distinct})`, span);
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const basis: Float64Array[] = [new Float64Array(n).fill(1 / Math.sqrt(n))];
  for (let k = 1; k <= degree; k++) {
    const v = Float64Array.from(x, (t) => (t - mean) ** k);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += q[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= dot * q[i];
      }
    }
    const norm = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    for (let i = 0; i < n; i++) v[i] /= norm;
    basis.push(v);
  }
  return basis.slice(1);
}

/** bs(x, df) or ns(x, df), R's columns; x must take more distinct values than the basis has columns. */
function splineBasis(v: Extract<DerivedVar, { kind: 'spline' }>, x: Float64Array, name: string): Float64Array[] {
  const distinct = new Set(x).size;
  if (distinct <= v.df) throw new FormulaError(`${name}: ${v.df} degrees of freedom need more than ${v.df} distinct values of '${v.source}' (it has ${distinct})`, v.span);
  return v.basis === 'bs' ? bSplineBasis(x, v.df) : naturalSplineBasis(x, v.df);
}

/** R's relevel(f, ref): the same factor with `ref` as its first level, the reference of treatment contrasts. */
function relevelled(name: string, f: FactorColumn, ref: string, span: DerivedVar['span']): FactorColumn {
  const at = f.levels.indexOf(ref);
  if (at < 0) {
    const close = suggest(ref, f.levels);
    throw new FormulaError(`'${ref}' is not a level of '${f.name}'`, span, close ? `did you mean '${close}'?` : `levels: ${f.levels.slice(0, 8).join(', ')}`);
  }
  const levels = [ref, ...f.levels.filter((_, j) => j !== at)];
  const recode = Int32Array.from(f.levels, (l) => levels.indexOf(l));
  return { kind: 'factor', name, levels, codes: Int32Array.from(f.codes, (c) => recode[c]) };
}
