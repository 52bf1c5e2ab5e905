import type { SummaryRow } from './summary.js';
import { normalCdf } from '../math/special.js';

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : String(x));

/** RFC 4180 quoting: labels such as `beta[T : R : diseased]` are plain, but a label may hold a comma. */
export const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** MCMC fits carry R-hat, ESS and MCSE; other engines' summaries keep the six plain columns. */
const hasMcmc = (rows: readonly SummaryRow[]): boolean => rows.some((r) => r.rhat !== undefined);
const mcmcCells = (r: SummaryRow): number[] => [r.rhat ?? NaN, r.essBulk ?? NaN, r.essTail ?? NaN, r.mcseMean ?? NaN];

export function summaryCsv(rows: readonly SummaryRow[]): string {
  const mcmc = hasMcmc(rows);
  const lines = ['name,mean,sd,q2.5,q50,q97.5' + (mcmc ? ',rhat,ess_bulk,ess_tail,mcse_mean' : '')];
  for (const r of rows) {
    const cells = [r.mean, r.sd, r.q2_5, r.q50, r.q97_5, ...(mcmc ? mcmcCells(r) : [])];
    lines.push([csvField(r.name), ...cells.map(num)].join(','));
  }
  return lines.join('\n') + '\n';
}

export function drawsCsv(names: readonly string[], draws: readonly Float64Array[], weights?: Float64Array): string {
  const header = [...names.map(csvField), ...(weights ? ['.weight'] : [])].join(',');
  const lines = [header];
  draws.forEach((d, i) => {
    const cells = Array.from(d, num);
    if (weights) cells.push(num(weights[i]));
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}

/** R-hat to 3 decimals (the threshold is 1.01), ESS as whole draws, MCSE to 2 significant digits. */
const mcmcText = (r: SummaryRow): string[] => {
  const [rhat, bulk, tail, mcse] = mcmcCells(r);
  return [rhat.toFixed(3), bulk.toFixed(0), tail.toFixed(0), Number.isFinite(mcse) ? mcse.toPrecision(2) : String(mcse)];
};

/**
 * A number for the terminal: 3 decimals, or 4 significant digits in exponent form where 3 decimals would
 * hide it (a slope per unit of a covariate measured in millions is 1e-6, not 0.000) or run long; an
 * undefined value (a standard error at a boundary) is a dash, not NaN.
 */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '-' : String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 0.0095 || a >= 1e7)) return x.toExponential(3);
  return x.toFixed(3);
}

/** The table printed to the terminal: aligned columns, 3 decimals; MCMC fits add rhat, ess_bulk, ess_tail, mcse_mean. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const mcmc = hasMcmc(rows);
  const head = ['name', 'mean', 'sd', '2.5%', '50%', '97.5%', ...(mcmc ? ['rhat', 'ess_bulk', 'ess_tail', 'mcse_mean'] : [])];
  const cells = rows.map((r) => [r.name, ...[r.mean, r.sd, r.q2_5, r.q50, r.q97_5].map(formatNumber), ...(mcmc ? mcmcText(r) : [])]);
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]): string => c.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}

/** Two-sided p of a Wald z, printed as R prints Pr(>|z|): 3 significant digits, and "<2e-16" below that. */
export function formatPValue(z: number): string {
  if (!Number.isFinite(z)) return '-';
  const p = 2 * normalCdf(-Math.abs(z));
  if (p < 2e-16) return '<2e-16';
  if (p >= 1e-4) return Number(p.toPrecision(3)).toString();
  // R's exponent form: 7.44e-05.
  const [mantissa, exponent] = p.toExponential(2).split('e');
  return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
}

/**
 * The maximum-likelihood table, as lme4 heads it: estimate, SE, and for the fixed effects (`wald`: the
 * rows on the real line, where the Wald z is what lme4 prints) z and Pr(>|z|); then the 95% interval.
 */
export function estimateTable(rows: readonly SummaryRow[], wald: ReadonlySet<string>): string {
  const head = ['name', 'estimate', 'SE', 'z value', 'Pr(>|z|)', '2.5%', '97.5%'];
  const cells = rows.map((r) => {
    const z = r.mean / r.sd;
    const test = wald.has(r.name) ? [Number.isFinite(z) ? z.toFixed(2) : '-', formatPValue(z)] : ['', ''];
    return [r.name, formatNumber(r.mean), formatNumber(r.sd), ...test, formatNumber(r.q2_5), formatNumber(r.q97_5)];
  });
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]): string => c.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}
