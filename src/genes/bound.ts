import type { Model } from '../api/compile.js';
import type { Fit } from '../api/infer.js';
import { evalExpr } from '../compiler/eval_f64.js';
import { paramNames, splitValues } from '../compiler/layout.js';
import { f64Ops } from '../distributions/f64_ops.js';
import type { DataTable, FactorColumn } from '../data/table.js';
import type { EmptyLevel } from './fit_gene.js';

/** One-sided 95%: the bound is where the chance of seeing only zeros falls to 5%. */
const LOG_ALPHA = Math.log(0.05);

/**
 * The upper bound of an empty group's effect b: all its cells count 0, and P(all zero | b) falls as b
 * rises, so b is bounded above only, by the b where P(all zero) = 5% (for a Poisson, the "rule of three":
 * e^b E = 3.0 with E the cells' exposure). The other parameters sit at the fit without the group; the
 * likelihood is the model's own (Poisson, negative binomial: any count family whose first argument is
 * a log mean), evaluated per cell. NaN when the family has no log-mean argument.
 */
export function emptyLevelBound(full: Model, table: DataTable, empty: EmptyLevel, f: Fit): { name: string; upper: number } {
  const ir = full.rowwiseIr;
  const names = paramNames(ir).constrained;
  const p = ir.params.find((q) => q.name === empty.param)!;
  const levelIndex = (table.columns.get(empty.factor) as FactorColumn).levels.indexOf(empty.level);
  const name = names[p.offset + levelIndex];
  const lik = ir.likelihoods[0];
  if (ir.likelihoods.length !== 1 || !/^log_/.test(lik.form.args[0]?.name ?? '')) return { name, upper: NaN };
  // The fitted values by name; the empty level's effect at 0, so the first argument is its log exposure.
  const estimate = new Map(f.summary.map((r) => [r.name, r.mean]));
  const values = Float64Array.from(names, (n) => estimate.get(n) ?? 0);
  values[p.offset + levelIndex] = 0;
  const split = splitValues(ir, values);
  const args = lik.args.map((a) => evalExpr(a, split, ir.data));
  const codes = (table.columns.get(empty.factor) as FactorColumn).codes;
  const rows: number[] = [];
  for (let i = 0; i < codes.length; i++) if (codes[i] === levelIndex) rows.push(i);
  // The arguments at the group's rows, gathered once: the bisection evaluates them some 40 times.
  const cols = args.map((a) => (typeof a === 'number' ? undefined : Float64Array.from(rows, (i) => a[i])));
  const fixed = args.map((a) => (typeof a === 'number' ? a : 0));
  const buf = fixed.slice();
  const logZero = (b: number): number => {
    let s = 0;
    for (let r = 0; r < rows.length; r++) {
      for (let k = 0; k < buf.length; k++) buf[k] = cols[k] ? cols[k]![r] : fixed[k];
      buf[0] += b;
      s += lik.form.kernel(f64Ops, 0, buf) as number;
    }
    return s;
  };
  // Bisection on b: logZero falls from 0 (b -> -inf) towards -inf.
  let lo = -50;
  let hi = 50;
  if (!(logZero(lo) > LOG_ALPHA) || !(logZero(hi) < LOG_ALPHA)) return { name, upper: NaN };
  for (let k = 0; k < 200 && hi - lo > 1e-10; k++) {
    const mid = 0.5 * (lo + hi);
    if (logZero(mid) > LOG_ALPHA) lo = mid;
    else hi = mid;
  }
  return { name, upper: 0.5 * (lo + hi) };
}
