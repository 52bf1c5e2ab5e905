import { thetaName } from '../../bijectors/transforms.js';
import type { Span } from '../../core/errors.js';
import type { F64 } from '../../distributions/f64_ops.js';
import { evalExpr, termLength, termsF64, type ParamValues, type TermF64 } from '../eval_f64.js';
import type { IrExpr, ModelIR } from '../ir.js';
import { elementName } from '../layout.js';

/** Shown with enough digits to tell 1e308 from Infinity and 0.5 from 0.49999. */
const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
const at = (i: number, v: F64): number => (typeof v === 'number' ? v : v[i]);
const where = (s: Span): string => `${s.file}:${s.line}:${s.col}`;
/** A term names at most this many parameter values: enough to see which one is off. */
const MAX_VALUES = 4;

/** `name = value` for every parameter element an expression reads at data row `row` (or a scalar expression). */
function paramValues(ir: ModelIR, e: IrExpr, values: ParamValues, row: number, out: Map<string, number>): void {
  const element = (param: number, i: number): void => {
    const p = ir.params[param];
    out.set(p.elementNames?.[i] ?? elementName(p.name, p.levels, i), values[param][i]);
  };
  switch (e.op) {
    case 'param':
      return element(e.param, 0);
    case 'level':
      return element(e.param, e.level);
    case 'gather': {
      const code = ir.data.factors.get(e.factor)!.codes[row];
      if (code >= 0) element(e.param, code);
      return;
    }
    case 'neg':
    case 'call':
      return paramValues(ir, e.arg, values, row, out);
    case 'bin':
      paramValues(ir, e.a, values, row, out);
      return paramValues(ir, e.b, values, row, out);
    default:
  }
}

function listValues(entries: Iterable<[string, number]>): string {
  const all = [...entries];
  const shown = all.slice(0, MAX_VALUES).map(([n, v]) => `${n} = ${fmt(v)}`).join(', ');
  return all.length > MAX_VALUES ? `${shown}, ...` : shown;
}

/** The first element of a term whose value is not finite, or -1 when only the sum overflowed. */
function firstNonFinite(term: TermF64, n: number): number {
  for (let i = 0; i < n; i++) if (!term.parts.every((p) => Number.isFinite(at(i, p)))) return i;
  return -1;
}

function describe(ir: ModelIR, term: TermF64, values: ParamValues, theta: Float64Array): string {
  const n = termLength(ir, term);
  const i = firstNonFinite(term, n);
  const value = i < 0 ? 'overflows when summed' : `is ${fmt(term.parts.reduce<number>((s, p) => s + at(i, p), 0))}`;
  const k = Math.max(i, 0);
  if (term.kind === 'jacobian') {
    const p = ir.params[term.param];
    const name = thetaName(p.transform, p.elementNames?.[k] ?? elementName(p.name, p.levels, k));
    return `the log-Jacobian of '${p.name}' (declared at ${where(p.span)}) ${value} at ${name} = ${fmt(theta[p.offset + k])}`;
  }
  if (term.kind === 'prior') {
    const prior = ir.priors[term.index];
    const p = ir.params[prior.param];
    const refs = new Map<string, number>();
    refs.set(p.elementNames?.[k] ?? elementName(p.name, p.levels, k), values[prior.param][k]);
    prior.args.forEach((a) => paramValues(ir, a, values, 0, refs));
    const args = prior.args.map((a, j) => `${prior.form.args[j].name} = ${fmt(at(0, evalExpr(a, values, ir.data)))}`);
    return `the prior '${p.name} ~ ${prior.dist.name}(${args.join(', ')})' (${p.name} declared at ${where(p.span)}) ${value} at ${listValues(refs)}`;
  }
  const lik = ir.likelihoods[term.index];
  const refs = new Map<string, number>();
  lik.args.forEach((a) => paramValues(ir, a, values, k, refs));
  const args = lik.args.map((a, j) => `${lik.form.args[j].name} = ${fmt(at(k, evalExpr(a, values, ir.data)))}`);
  const y = ir.data.numeric.get(lik.column)!;
  const row = ir.reduction ? `cell ${k + 1} of the reduced data` : `data row ${k + 1} of ${ir.data.file}`;
  return `the likelihood '${lik.column} ~ ${lik.dist.name}' at ${where(lik.span)} ${value} at ${row} ` +
    `(${lik.column} = ${fmt(y[k])}, ${args.join(', ')})${refs.size > 0 ? `, where ${listValues(refs)}` : ''}`;
}

/**
 * Which term of the log density is not finite at theta, in the user's words: the statement (with its
 * place in the model file), the data row, the distribution's arguments and the parameter values that
 * made it so. Undefined when every term is finite. Evaluated in float64, term by term (eval_f64).
 */
export function explainNonFinite(ir: ModelIR, theta: Float64Array): string | undefined {
  const { values, terms } = termsF64(ir, theta);
  const bad = terms.filter((t) => !t.parts.every((p) => Number.isFinite(typeof p === 'number' ? p : p.reduce((s, v) => s + v, 0))));
  if (bad.length === 0) return undefined;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more term${bad.length > 2 ? 's' : ''})` : '';
  return describe(ir, bad[0], values, theta) + more;
}
