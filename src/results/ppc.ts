import { quantile } from '../math/stats.js';

/**
 * Posterior predictive checks (Gelman, Meng & Stern 1996; Gabry et al. 2019): statistics of the observed
 * data next to their distribution over data sets replicated from the fitted model, per group. A Poisson
 * model of overdispersed counts shows itself here: observed variances and zero proportions above every
 * replicated one.
 */

export type PpcStatistic = 'mean' | 'variance' | 'zeros';

/** What each statistic is called in tables and plots. */
export const STATISTIC_LABELS: Readonly<Record<PpcStatistic, string>> = {
  mean: 'mean', variance: 'variance', zeros: 'proportion of zeros',
};

/** Rows of the data split by a factor: level labels and a code per row (< 0: in no group). */
export interface Grouping {
  readonly name: string;
  readonly levels: readonly string[];
  readonly codes: Int32Array;
}

export interface PpcRow {
  /** A level of the grouping, or ALL for every row. */
  readonly group: string;
  readonly rows: number;
  readonly statistic: PpcStatistic;
  readonly observed: number;
  /** Mean and 95% interval of the statistic over the replicated data sets. */
  readonly replicatedMean: number;
  readonly q2_5: number;
  readonly q97_5: number;
  /** The posterior predictive p-value P(T_rep >= T_obs). */
  readonly pValue: number;
}

export interface PpcResult {
  readonly column: string;
  readonly family: string;
  /** The grouping factor, absent when only all rows are checked. */
  readonly by?: string;
  readonly draws: number;
  readonly statistics: readonly PpcStatistic[];
  /** Statistic by statistic, ALL first, then the groups in level order. */
  readonly rows: readonly PpcRow[];
}

export const ALL = '(all rows)';

/** The statistics checked: the proportion of zeros only means something for counts. */
export function statisticsFor(discrete: boolean): PpcStatistic[] {
  return discrete ? ['mean', 'variance', 'zeros'] : ['mean', 'variance'];
}

/**
 * Every statistic of every group (ALL at index 0, level k at k + 1) of one data set, in one pass:
 * Welford's update for mean and variance, so large means do not cancel the variance away.
 * Returns [group][statistic] flattened, and the row count per group.
 */
export function groupStatistics(y: Float64Array, grouping: Grouping | undefined, stats: readonly PpcStatistic[]): { values: Float64Array; rows: Int32Array } {
  const g = (grouping?.levels.length ?? 0) + 1;
  const n = new Int32Array(g);
  const mean = new Float64Array(g);
  const m2 = new Float64Array(g);
  const zeros = new Float64Array(g);
  const add = (k: number, v: number): void => {
    n[k]++;
    const d = v - mean[k];
    mean[k] += d / n[k];
    m2[k] += d * (v - mean[k]);
    if (v === 0) zeros[k]++;
  };
  for (let i = 0; i < y.length; i++) {
    add(0, y[i]);
    const c = grouping?.codes[i] ?? -1;
    if (c >= 0) add(c + 1, y[i]);
  }
  const values = new Float64Array(g * stats.length);
  for (let k = 0; k < g; k++) {
    stats.forEach((s, j) => {
      values[k * stats.length + j] = n[k] === 0 ? NaN
        : s === 'mean' ? mean[k] : s === 'variance' ? (n[k] > 1 ? m2[k] / (n[k] - 1) : NaN) : zeros[k] / n[k];
    });
  }
  return { values, rows: n };
}

/** Collects the statistics of replicated data sets one at a time (they are never all in memory). */
export interface PpcCollector {
  add(replicated: Float64Array): void;
  result(): PpcResult;
}

export function collectPpc(column: string, family: string, observed: Float64Array, grouping: Grouping | undefined, stats: readonly PpcStatistic[]): PpcCollector {
  const obs = groupStatistics(observed, grouping, stats);
  const reps: Float64Array[] = [];
  return {
    add(replicated) {
      if (replicated.length !== observed.length) throw new RangeError(`collectPpc: ${replicated.length} replicated rows, ${observed.length} observed`);
      reps.push(groupStatistics(replicated, grouping, stats).values);
    },
    result() {
      const labels = [ALL, ...(grouping?.levels ?? [])];
      const rows: PpcRow[] = [];
      stats.forEach((statistic, j) => {
        labels.forEach((group, k) => {
          const at = k * stats.length + j;
          const t = obs.values[at];
          // An empty group, or the variance of a single row: nothing to compare.
          if (Number.isNaN(t)) return;
          const draws = Float64Array.from(reps, (r) => r[at]).filter((x) => !Number.isNaN(x)).sort();
          let above = 0;
          let sum = 0;
          for (const x of draws) {
            sum += x;
            if (x >= t) above++;
          }
          rows.push({
            group, rows: obs.rows[k], statistic, observed: t, replicatedMean: sum / draws.length,
            q2_5: quantile(draws, 0.025), q97_5: quantile(draws, 0.975), pValue: above / draws.length,
          });
        });
      });
      return { column, family, ...(grouping ? { by: grouping.name } : {}), draws: reps.length, statistics: stats, rows };
    },
  };
}

/** True when the observed statistic lies outside the replicated 95% interval: the model does not reproduce it. */
export const outside = (r: PpcRow): boolean => r.observed < r.q2_5 || r.observed > r.q97_5;

const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential(3) : x.toFixed(4);
};

/** One table per statistic: group, rows, observed, replicated mean and 95% interval, p-value; '*' marks observed values outside the interval. */
export function ppcTables(result: PpcResult): string {
  const blocks = result.statistics.map((s) => {
    const rows = result.rows.filter((r) => r.statistic === s);
    const head = [result.by ?? 'group', 'rows', 'observed', 'replicated', '2.5%', '97.5%', 'P(rep>=obs)', ''];
    const cells = rows.map((r) => [r.group, String(r.rows), fmt(r.observed), fmt(r.replicatedMean), fmt(r.q2_5), fmt(r.q97_5), r.pValue.toFixed(3), outside(r) ? '*' : '']);
    const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
    const line = (c: string[]): string => c.map((x, j) => (j === 0 ? x.padEnd(widths[j]) : x.padStart(widths[j]))).join('  ').trimEnd();
    return `${STATISTIC_LABELS[s]} of ${result.column}${result.by ? ` by ${result.by}` : ''}:\n${[line(head), ...cells.map(line)].join('\n')}`;
  });
  const flagged = result.rows.filter(outside).length;
  const tail = `${flagged} of ${result.rows.length} observed statistics lie outside the 95% interval of ${result.draws} replicated data sets (marked *)`;
  return [...blocks, tail].join('\n\n');
}

const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(8))) : String(x));
const field = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function ppcCsv(results: readonly PpcResult[]): string {
  const lines = ['column,statistic,by,group,rows,observed,replicated_mean,q2.5,q97.5,p_value'];
  for (const res of results) {
    for (const r of res.rows) {
      lines.push([field(res.column), r.statistic, field(res.by ?? ''), field(r.group), String(r.rows), ...[r.observed, r.replicatedMean, r.q2_5, r.q97_5, r.pValue].map(num)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
