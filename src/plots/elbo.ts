import { PLOT_CONFIG, SCHEMA, type PlotSpec } from './common.js';

/** The ELBO of one VI run: the smoothed (per-window mean) estimate after each window of steps. */
export interface ElboTrace {
  readonly run: string;
  readonly step: ArrayLike<number>;
  readonly elbo: ArrayLike<number>;
}

/**
 * The ELBO against optimization step, one line per run. Started at the mode (Glimmer's default) the
 * climb is short and the line flat at once; from a random start (the TFP recipe) the climb shows.
 * Windows with no finite Monte Carlo estimate (-Infinity) are left out rather than drawn off the axis.
 */
export function elboSpec(traces: readonly ElboTrace[], title = 'ELBO (mean over each window of steps)'): PlotSpec {
  const values = traces.flatMap((t) => Array.from(t.step, (step, i) => ({ run: t.run, step, elbo: t.elbo[i] })))
    .filter((v) => Number.isFinite(v.elbo));
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'start' },
    config: PLOT_CONFIG,
    data: { values },
    width: 480,
    height: 240,
    mark: { type: 'line', strokeWidth: 1.2, point: traces.every((t) => t.step.length < 40) },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step' },
      y: { field: 'elbo', type: 'quantitative', title: 'ELBO', scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run', sort: traces.map((t) => t.run), legend: traces.length > 1 ? {} : null },
    },
  };
}
