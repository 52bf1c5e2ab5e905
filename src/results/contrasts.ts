import { summarizeDraws, type SummaryRow } from './summary.js';
import { csvField, formatNumber, formatPValue } from './format.js';

/** A scalar function of the parameters (a contrast or a generated quantity), summarised with the probability that it is positive. */
export type ContrastRow = SummaryRow & {
  /** Posterior probability that the quantity is > 0 (importance-weighted when the fit is). */
  readonly pPositive: number;
};

/** P(x > 0) from draws: the (weighted) share of positive draws. */
export function probabilityPositive(values: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let pos = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights === undefined ? 1 : weights[i];
    total += w;
    if (values[i] > 0) pos += w;
  }
  return total > 0 ? pos / total : NaN;
}

/**
 * Summary (with MCMC diagnostics when the draws come in `chains` chains) and P(> 0) of one quantity's
 * draws; `summarized` is its summary row when the caller has it already.
 */
export function contrastRow(name: string, values: Float64Array, weights?: Float64Array, chains?: number, summarized?: SummaryRow): ContrastRow {
  const row = summarized?.name === name ? summarized : summarizeDraws([name], Array.from(values, (v) => Float64Array.of(v)), weights, chains)[0];
  return { ...row, pPositive: probabilityPositive(values, weights) };
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : String(x));

/** Extra columns (a header and a cell per row) go after the name. */
export interface ExtraColumn {
  readonly head: string;
  readonly cell: (i: number) => string;
}

export function contrastsCsv(rows: readonly ContrastRow[], extra: readonly ExtraColumn[] = []): string {
  const lines = [['name', ...extra.map((e) => e.head), 'mean,sd,q2.5,q50,q97.5,p_positive'].join(',')];
  rows.forEach((r, i) => {
    const cells = [r.mean, r.sd, r.q2_5, r.q50, r.q97_5, r.pPositive].map(num);
    lines.push([csvField(r.name), ...extra.map((e) => csvField(e.cell(i))), ...cells].join(','));
  });
  return lines.join('\n') + '\n';
}

/** With a few thousand draws, 0 and 1 only mean "beyond what the draws resolve": say so rather than print certainty. */
export function formatProbability(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  if (p > 0.999) return '>0.999';
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** An aligned table: name, mean, sd, 2.5%, 97.5%, P(>0); `extra` columns (e.g. what differs) go after the name. */
export function contrastsTable(rows: readonly ContrastRow[], extra: readonly ExtraColumn[] = [], ml = false): string {
  // Under maximum likelihood there is no posterior probability: the Wald z and its two-sided p instead.
  const head = ['name', ...extra.map((e) => e.head), ...(ml ? ['estimate', 'SE', '2.5%', '97.5%', 'z value', 'Pr(>|z|)'] : ['mean', 'sd', '2.5%', '97.5%', 'P(>0)'])];
  const cells = rows.map((r, i) => [
    r.name, ...extra.map((e) => e.cell(i)), ...[r.mean, r.sd, r.q2_5, r.q97_5].map(formatNumber),
    ...(ml ? [(r.mean / r.sd).toFixed(2), formatPValue(r.mean / r.sd)] : [formatProbability(r.pPositive)]),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const left = 1 + extra.length;
  const line = (c: string[]): string => c.map((s, j) => (j < left ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ').trimEnd();
  return [line(head), ...cells.map(line)].join('\n');
}
