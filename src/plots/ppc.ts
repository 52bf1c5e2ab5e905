import { STATISTIC_LABELS, type PpcResult } from '../results/ppc.js';
import { PLOT_CONFIG, SCHEMA, type PlotSpec } from './common.js';

const OBSERVED = '#e45756';
const REPLICATED = '#4c78a8';

/**
 * A posterior predictive check as a plot: one panel per statistic, one row per group; the replicated
 * data sets' 95% interval (a bar) and mean (a tick), and the observed value (a red dot). A dot off its
 * bar is a feature of the data the model does not reproduce.
 */
export function ppcSpec(result: PpcResult): PlotSpec {
  const panel = (statistic: string): object => ({
    data: {
      values: result.rows.filter((r) => r.statistic === statistic)
        .map((r) => ({ group: r.group, observed: r.observed, mean: r.replicatedMean, lo: r.q2_5, hi: r.q97_5 })),
    },
    width: 420,
    height: { step: 16 },
    encoding: { y: { field: 'group', type: 'nominal', sort: null, title: null, axis: { labelLimit: 300 } } },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 5, opacity: 0.45, color: REPLICATED },
        encoding: { x: { field: 'lo', type: 'quantitative', scale: { zero: false }, title: STATISTIC_LABELS[statistic as keyof typeof STATISTIC_LABELS] }, x2: { field: 'hi' } },
      },
      { mark: { type: 'tick', color: REPLICATED, thickness: 2, size: 12 }, encoding: { x: { field: 'mean', type: 'quantitative' } } },
      { mark: { type: 'point', filled: true, size: 40, color: OBSERVED, opacity: 1 }, encoding: { x: { field: 'observed', type: 'quantitative' } } },
    ],
  });
  const by = result.by ? ` by ${result.by}` : '';
  return {
    $schema: SCHEMA,
    title: {
      text: `${result.column} ~ ${result.family}: observed (red) and ${result.draws} replicated data sets (blue: 95% interval and mean)${by}`,
      anchor: 'start',
    },
    config: PLOT_CONFIG,
    vconcat: result.statistics.map(panel),
  };
}
