import { PLOT_CONFIG, SCHEMA, blockOf, capNames, engineColorScale, type PlotSpec } from './common.js';

/** One interval of a forest plot: one quantity as one engine (or one run of it) estimated it. */
export interface ForestRow {
  readonly parameter: string;
  /** Which fit the row comes from: `nuts`, or `advi #3` for the third of several runs. */
  readonly fit: string;
  readonly engine: string;
  readonly mean: number;
  /** The 95% interval. */
  readonly lo: number;
  readonly hi: number;
}

/** More parameters than this make rows too thin to read; the title says how many were left out. */
export const FOREST_MAX_PARAMETERS = 80;

/** Summary rows (as Fit.summary and RunRecord.summary hold them) as forest rows of one fit. */
export function forestRows(fit: string, engine: string, summary: readonly { name: string; mean: number; q2_5: number; q97_5: number }[]): ForestRow[] {
  return summary.map((r) => ({ parameter: r.name, fit, engine, mean: r.mean, lo: r.q2_5, hi: r.q97_5 }));
}

/** Up to this many fits get a row each; beyond it (K runs of several engines) the runs of an engine share a row. */
export const FOREST_MAX_ROWS = 8;

/**
 * A forest plot: per parameter, every fit's mean (a dot) and 95% interval (a line), coloured by engine.
 * With few fits each has its own row; with many, the runs of one engine are drawn over each other, half
 * transparent, in the engine's row: runs that agree look like one line, runs that disagree smear, and
 * the plot stays readable (ZEB2 with 10 runs of three engines: 31 fits of 38 quantities). One panel per
 * block of parameters (beta, u, sigma ...), each with its own x axis, since the blocks live on
 * different scales.
 */
export function forestSpec(rows: readonly ForestRow[], title = 'posterior means and 95% intervals'): PlotSpec {
  const parameters = [...new Set(rows.map((r) => r.parameter))];
  const { kept, note } = capNames(parameters, FOREST_MAX_PARAMETERS);
  const keep = new Set(kept);
  const fits = [...new Set(rows.map((r) => r.fit))];
  const engines = [...new Set(rows.map((r) => r.engine))];
  const blocks = [...new Set(kept.map(blockOf))];
  const overlaid = fits.length > FOREST_MAX_ROWS;
  const lines = overlaid ? engines : fits;
  const step = lines.length === 1 ? 18 : 7;
  const color = { field: 'engine', type: 'nominal', title: 'engine', scale: engineColorScale(engines) } as const;
  // Overlaid runs fade so that their overlap shows; an engine fitted once stays solid.
  const runsOf = new Map(engines.map((e) => [e, new Set(rows.filter((r) => r.engine === e).map((r) => r.fit)).size]));
  const fade = (r: ForestRow): { ruleOpacity: number; dotOpacity: number } => {
    const n = overlaid ? runsOf.get(r.engine) ?? 1 : 1;
    return { ruleOpacity: n === 1 ? 1 : Math.max(0.15, 1 / Math.sqrt(n)), dotOpacity: n === 1 ? 1 : 0.6 };
  };
  const panel = (block: string): object => ({
    data: { values: rows.filter((r) => keep.has(r.parameter) && blockOf(r.parameter) === block).map((r) => ({ ...r, ...fade(r) })) },
    height: { step, for: 'offset' },
    width: 420,
    encoding: {
      y: { field: 'parameter', type: 'nominal', sort: null, title: null, axis: { labelLimit: 300 } },
      yOffset: { field: overlaid ? 'engine' : 'fit', type: 'nominal', sort: lines },
      color,
    },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: { x: { field: 'lo', type: 'quantitative', scale: { zero: false }, title: block }, x2: { field: 'hi' }, opacity: { field: 'ruleOpacity', type: 'quantitative', scale: null } },
      },
      {
        mark: { type: 'point', filled: true, size: overlaid ? 12 : 22 },
        encoding: { x: { field: 'mean', type: 'quantitative' }, opacity: { field: 'dotOpacity', type: 'quantitative', scale: null } },
      },
    ],
  });
  return {
    $schema: SCHEMA,
    title: { text: title + note, anchor: 'start' },
    config: PLOT_CONFIG,
    vconcat: blocks.map(panel),
  };
}
