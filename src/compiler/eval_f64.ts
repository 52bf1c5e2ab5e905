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
 * The part of the log density (in theta, with log-Jacobians) that the graph computes, in float64:
 * the reference the tfjs graph is tested against. Add `hostConstant(ir)` for the normalised value.
 */
export function logKernelF64(ir: ModelIR, theta: Float64Array): number {
  let total = 0;
  const values = ir.params.map((p) => {
    const t = theta.slice(p.offset, p.offset + p.size);
    const { x, logJ } = constrainWithJacobian(f64Ops, p.transform, t);
    if (logJ !== null && !ir.ml) total += sumF64(logJ, p.size);
    return typeof x === 'number' ? Float64Array.of(x) : x;
  });
  for (const prior of ir.priors) {
    const x = values[prior.param];
    const args = prior.args.map((a) => evalExpr(a, values, ir.data));
    total += sumF64(prior.form.kernel(f64Ops, x, args), x.length);
    if (prior.form.xTerm) total += sumF64(prior.form.xTerm(f64Ops, x), x.length);
  }
  for (const lik of ir.likelihoods) {
    const y = ir.data.numeric.get(lik.column)!;
    const args = lik.args.map((a) => evalExpr(a, values, ir.data));
    total += sumF64(lik.form.kernel(f64Ops, y, args), ir.data.nRows);
  }
  return total;
}
