import type { Diagnostic } from '../core/errors.js';
import type { DataTable } from '../data/table.js';
import type { IrLikelihood } from './ir.js';
import { nonZeroRows } from '../math/nonzero.js';

const MAX_PER_COLUMN = 5;

const fitsSupport: Record<string, (y: number) => boolean> = {
  count: (y) => Number.isInteger(y) && y >= 0,
  binary: (y) => y === 0 || y === 1,
  positive: (y) => y > 0,
  unit: (y) => y > 0 && y < 1,
  real: (y) => Number.isFinite(y),
  interval: (y) => Number.isFinite(y),
  correlation: (y) => y > -1 && y < 1,
};

const describe: Record<string, string> = {
  count: 'a non-negative integer', binary: '0 or 1', positive: 'positive', unit: 'strictly between 0 and 1', real: 'finite', interval: 'finite', correlation: 'strictly between -1 and 1',
};

/** The data a likelihood sees must lie in its distribution's support; each problem names column and row. */
export function checkLikelihoodData(lik: IrLikelihood, numeric: ReadonlyMap<string, Float64Array>, table: DataTable, _modelFile: string): Diagnostic[] {
  const y = numeric.get(lik.column)!;
  const ok = fitsSupport[lik.dist.support];
  const out: Diagnostic[] = [];
  let bad = 0;
  const trialsAt = lik.form.dataTerm ? lik.form.args.findIndex((a) => a.name === 'trials') : -1;
  const trialsExpr = trialsAt >= 0 ? lik.args[trialsAt] : undefined;
  const trials = trialsExpr?.op === 'data' ? numeric.get(trialsExpr.column) : undefined;
  const trialsConst = trialsExpr?.op === 'const' ? trialsExpr.value : undefined;
  // Where 0 is in the support and no trials are read, only the non-zero rows can be out of it (a gene's
  // counts: a quarter of the rows).
  const rows = trialsExpr === undefined && ok(0) ? nonZeroRows(y) : undefined;
  const count = rows ? rows.length : y.length;
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k] : k;
    let message: string | undefined;
    let column = lik.column;
    if (!ok(y[i])) message = `${lik.dist.name} needs ${describe[lik.dist.support]} values, got ${y[i]}`;
    const n = trials ? trials[i] : trialsConst;
    // A formula's trials column may be declared 'real': 2.5 trials would silently give a wrong likelihood.
    if (message === undefined && n !== undefined && !fitsSupport.count(n)) {
      message = `${n} trials is not a count (a non-negative integer)`;
      if (trialsExpr?.op === 'data' && table.columns.has(trialsExpr.column)) column = trialsExpr.column;
    }
    if (message === undefined && n !== undefined && !(y[i] <= n)) message = `${y[i]} successes out of ${n} trials`;
    if (message === undefined) continue;
    bad++;
    if (bad <= MAX_PER_COLUMN) {
      const line = table.lineOf?.(i) ?? i + 2;
      out.push({ code: 'E310', message: `column '${column}' row ${i + 1} (line ${line} of ${table.file}): ${message}`, span: lik.span });
    }
  }
  if (bad > MAX_PER_COLUMN) out.push({ code: 'E310', message: `column '${lik.column}': and ${bad - MAX_PER_COLUMN} more rows like these`, span: lik.span });
  return out;
}
