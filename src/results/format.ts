import type { SummaryRow } from './summary.js';

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : String(x));

/** RFC 4180 quoting: labels such as `beta[T : R : diseased]` are plain, but a label may hold a comma. */
const field = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function summaryCsv(rows: readonly SummaryRow[]): string {
  const lines = ['name,mean,sd,q2.5,q50,q97.5'];
  for (const r of rows) lines.push([field(r.name), num(r.mean), num(r.sd), num(r.q2_5), num(r.q50), num(r.q97_5)].join(','));
  return lines.join('\n') + '\n';
}

export function drawsCsv(names: readonly string[], draws: readonly Float64Array[], weights?: Float64Array): string {
  const header = [...names.map(field), ...(weights ? ['.weight'] : [])].join(',');
  const lines = [header];
  draws.forEach((d, i) => {
    const cells = Array.from(d, num);
    if (weights) cells.push(num(weights[i]));
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}

/** The table printed to the terminal: aligned columns, 3 significant decimals. */
export function summaryTable(rows: readonly SummaryRow[]): string {
  const head = ['name', 'mean', 'sd', '2.5%', '50%', '97.5%'];
  const cells = rows.map((r) => [r.name, ...[r.mean, r.sd, r.q2_5, r.q50, r.q97_5].map((x) => x.toFixed(3))]);
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
  const line = (c: string[]): string => c.map((s, j) => (j === 0 ? s.padEnd(widths[j]) : s.padStart(widths[j]))).join('  ');
  return [line(head), ...cells.map(line)].join('\n');
}
