import { constrainWithJacobian } from '../bijectors/transforms.js';
import { f64Ops, sumF64, type F64 } from '../distributions/f64_ops.js';
import type { IrData, IrExpr, ModelIR } from './ir.js';
import { applyFn } from './lower_expr.js';

/** Constrained parameter values, one array per parameter (length 1 for scalars). */
export type ParamValues = readonly Float64Array[];

/** Evaluates an IR expression in float64: a number, or one value per data row. */
export function evalExpr(e: IrExpr, values: ParamValues, data: IrData): F64 {
  const o = f64Ops;
  switch (e.op) {
    case 'const':
      return e.value;
    case 'data':
      return data.numeric.get(e.column)!;
    case 'param':
      return values[e.param][0];
    case 'level':
      return values[e.param][e.level];
    case 'gather': {
      const v = values[e.param];
      const codes = data.factors.get(e.factor)!.codes;
      const out = new Float64Array(codes.length);
      for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? 0 : v[codes[i]];
      return out;
    }
    case 'neg':
      return o.neg(evalExpr(e.arg, values, data));
    case 'call': {
      const x = evalExpr(e.arg, values, data);
      if (typeof x === 'number') return applyFn(e.fn, x);
      return x.map((v) => applyFn(e.fn, v));
    }
    case 'bin': {
      const a = evalExpr(e.a, values, data);
      const b = evalExpr(e.b, values, data);
      return e.o === '+' ? o.add(a, b) : e.o === '-' ? o.sub(a, b) : e.o === '*' ? o.mul(a, b) : o.div(a, b);
    }
  }
}

/**
 * One term of the log density as the evaluator sums it: a parameter's log-Jacobian, a prior (one value
 * per element, kernel then xTerm), or a likelihood (one value per data row). `parts` are summed in order.
 */
export type TermF64 =
  | { readonly kind: 'jacobian'; readonly param: number; readonly parts: readonly F64[] }
  | { readonly kind: 'prior'; readonly index: number; readonly parts: readonly F64[] }
  | { readonly kind: 'likelihood'; readonly index: number; readonly parts: readonly F64[] };

/**
 * The terms of the log density at theta, one by one, with the constrained values they were evaluated
 * at: what `logKernelF64` sums, kept apart so that a non-finite total can be traced to its term.
 */
export function termsF64(ir: ModelIR, theta: Float64Array): { values: ParamValues; terms: TermF64[] } {
  const terms: TermF64[] = [];
  const values = ir.params.map((p, param) => {
    const t = theta.slice(p.offset, p.offset + p.size);
    const { x, logJ } = constrainWithJacobian(f64Ops, p.transform, t);
    if (logJ !== null && !ir.ml) terms.push({ kind: 'jacobian', param, parts: [logJ] });
    return typeof x === 'number' ? Float64Array.of(x) : x;
  });
  ir.priors.forEach((prior, index) => {
    const x = values[prior.param];
    const args = prior.args.map((a) => evalExpr(a, values, ir.data));
    const parts = [prior.form.kernel(f64Ops, x, args)];
    if (prior.form.xTerm) parts.push(prior.form.xTerm(f64Ops, x));
    terms.push({ kind: 'prior', index, parts });
  });
  ir.likelihoods.forEach((lik, index) => {
    const y = ir.data.numeric.get(lik.column)!;
    const args = lik.args.map((a) => evalExpr(a, values, ir.data));
    terms.push({ kind: 'likelihood', index, parts: [lik.form.kernel(f64Ops, y, args)] });
  });
  return { values, terms };
}

/** How many values a term's parts hold: the parameter's size, or the number of data rows. */
export function termLength(ir: ModelIR, term: TermF64): number {
  if (term.kind === 'jacobian') return ir.params[term.param].size;
  if (term.kind === 'prior') return ir.params[ir.priors[term.index].param].size;
  return ir.data.nRows;
}

/**
 * The part of the log density (in theta, with log-Jacobians) that the graph computes, in float64:
 * the reference the tfjs graph is tested against. Add `hostConstant(ir)` for the normalised value.
 */
export function logKernelF64(ir: ModelIR, theta: Float64Array): number {
  let total = 0;
  for (const term of termsF64(ir, theta).terms) {
    const n = termLength(ir, term);
    for (const part of term.parts) total += sumF64(part, n);
  }
  return total;
}
