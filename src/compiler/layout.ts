import { constrainScalar, thetaName, unconstrainScalar } from '../bijectors/transforms.js';
import { f64Ops, sumF64 } from '../distributions/f64_ops.js';
import type { IrLikelihood, ModelIR } from './ir.js';
import { nonZeroRows } from '../math/nonzero.js';

/** `beta[T : R : diseased]` for a vector element, `sigma` for a scalar. */
export function elementName(name: string, levels: readonly string[] | undefined, i: number): string {
  return levels ? `${name}[${levels[i]}]` : name;
}

export function paramNames(ir: ModelIR): { theta: string[]; constrained: string[] } {
  const theta: string[] = [];
  const constrained: string[] = [];
  for (const p of ir.params) {
    for (let i = 0; i < p.size; i++) {
      const n = p.elementNames?.[i] ?? elementName(p.name, p.levels, i);
      constrained.push(n);
      theta.push(thetaName(p.transform, n));
    }
  }
  return { theta, constrained };
}

export function constrainTheta(ir: ModelIR, theta: Float64Array): Float64Array {
  const out = new Float64Array(ir.dim);
  for (const p of ir.params) for (let i = 0; i < p.size; i++) out[p.offset + i] = constrainScalar(p.transform, theta[p.offset + i]);
  return out;
}

export function unconstrainValues(ir: ModelIR, values: Float64Array): Float64Array {
  const out = new Float64Array(ir.dim);
  for (const p of ir.params) for (let i = 0; i < p.size; i++) out[p.offset + i] = unconstrainScalar(p.transform, values[p.offset + i]);
  return out;
}

/** Constrained values split per parameter, as the float64 evaluator reads them. */
export function splitValues(ir: ModelIR, values: Float64Array): Float64Array[] {
  return ir.params.map((p) => values.subarray(p.offset, p.offset + p.size));
}

/**
 * The part of the log density the graph leaves out because no parameter moves it: normalising
 * constants, and terms of the data alone such as -lgamma(y + 1), computed once in float64.
 */
/**
 * sum_i xTerm(y_i): over the distinct values with their multiplicities when every y is a whole number
 * below SMALL_COUNTS (counts: mostly 0 and 1, for each of fit-genes' thousands of genes), else row by row.
 */
function xTermSum(xTerm: NonNullable<IrLikelihood['form']['xTerm']>, y: Float64Array): number {
  const small = y.length < 4096 ? undefined : tallySmallCounts(y);
  if (!small) return sumF64(xTerm(f64Ops, y), y.length);
  const values = Float64Array.from({ length: SMALL_COUNTS }, (_, v) => v).filter((v) => small[v] > 0);
  const terms = xTerm(f64Ops, values) as Float64Array;
  let c = 0;
  values.forEach((v, j) => (c += small[v] * terms[j]));
  return c;
}

/**
 * How many of y take each whole value below SMALL_COUNTS, or undefined if one is not such a value. A
 * function of its own: as a loop inside xTermSum, V8 compiled the loop on the stack on the first gene and
 * threw that code away on every later one, at the code after it (160 times in 200 genes).
 */
function tallySmallCounts(y: Float64Array): Float64Array | undefined {
  const small = new Float64Array(SMALL_COUNTS);
  const nz = nonZeroRows(y);
  small[0] = y.length - nz.length;
  for (let k = 0; k < nz.length; k++) {
    const v = y[nz[k]];
    if (!(v >= 0 && v < SMALL_COUNTS && v === Math.floor(v))) return undefined;
    small[v]++;
  }
  return small;
}

/** Responses whose values are all whole numbers below this are summed by value (xTermSum). */
const SMALL_COUNTS = 1024;

export function hostConstant(ir: ModelIR): number {
  if (ir.reduction) return ir.reduction.constant;
  let c = 0;
  for (const prior of ir.priors) c += prior.form.constant * ir.params[prior.param].size;
  for (const lik of ir.likelihoods) {
    const y = ir.data.numeric.get(lik.column)!;
    c += lik.form.constant * ir.data.nRows;
    if (lik.form.xTerm) c += xTermSum(lik.form.xTerm, y);
    const dt = lik.form.dataTerm;
    if (dt) {
      const argCols = dt.args.map((name) => lik.args[lik.form.args.findIndex((a) => a.name === name)]);
      for (let i = 0; i < y.length; i++) {
        const vals = argCols.map((e) => (e.op === 'const' ? e.value : e.op === 'data' ? ir.data.numeric.get(e.column)![i] : NaN));
        c += dt.fn(y[i], vals);
      }
    }
  }
  return c;
}
