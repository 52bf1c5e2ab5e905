import { PLOT_CONFIG, SCHEMA, capNames, engineColorScale, type PlotSpec } from './common.js';
import { kde } from './kde.js';

/** Draws of one quantity from one fit (group: the engine, or any label to colour by). */
export interface DensitySeries {
  readonly parameter: string;
  readonly group: string;
  readonly values: ArrayLike<number>;
  readonly weights?: ArrayLike<number>;
}

/** Panels beyond this make a grid nobody reads; the title says how many were left out. */
export const DENSITY_MAX_PANELS = 40;
const COLUMNS = 5;

/**
 * Marginal posterior densities (Gaussian KDE), one panel per quantity with its own axes, the fits in a
 * panel overlaid in their engine's colour.
 */
export function densitySpec(series: readonly DensitySeries[], title = 'marginal posterior densities'): PlotSpec {
  const { kept, note } = capNames([...new Set(series.map((s) => s.parameter))], DENSITY_MAX_PANELS);
  const keep = new Set(kept);
  const groups = [...new Set(series.map((s) => s.group))];
  const values = series.filter((s) => keep.has(s.parameter)).flatMap((s) => {
    const curve = kde(s.values, s.weights);
    return Array.from(curve.x, (x, i) => ({ parameter: s.parameter, group: s.group, x, density: curve.density[i] }));
  });
  return {
    $schema: SCHEMA,
    title: { text: title + note, anchor: 'start' },
    config: PLOT_CONFIG,
    data: { values },
    facet: { field: 'parameter', type: 'nominal', sort: kept, title: null, header: { labelLimit: 0, labelFontSize: 10 } },
    columns: Math.min(COLUMNS, kept.length),
    spec: {
      width: 190,
      height: 90,
      mark: { type: 'line', strokeWidth: 1.3 },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: null, scale: { zero: false, nice: false }, axis: { tickCount: 4 } },
        y: { field: 'density', type: 'quantitative', title: null, axis: { labels: false, ticks: false } },
        color: { field: 'group', type: 'nominal', title: 'engine', scale: engineColorScale(groups), legend: groups.length > 1 ? {} : null },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}
