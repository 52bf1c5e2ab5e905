/**
 * A vega-lite specification as plain JSON: the builders here stay free of vega (and of Node), so they run
 * in a browser; src/cli/plot_render.ts compiles and renders them.
 */
export type PlotSpec = { readonly $schema: string } & Readonly<Record<string, unknown>>;

/** The look shared by every plot: one font that resvg finds on a headless machine (DejaVu), white background. */
export const PLOT_CONFIG = {
  font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif',
  background: 'white',
  axis: { labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11 },
  header: { labelFontSize: 11 },
  view: { stroke: '#ddd' },
} as const;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Engines keep their colours in every plot (Tableau 10, as vega's default scheme). */
export const ENGINE_COLORS: Readonly<Record<string, string>> = {
  laplace: '#4c78a8', advi: '#f58518', fullrank: '#54a24b', nuts: '#e45756', hmc: '#b279a2',
};

/** A colour scale for the engines present, in the order given (legend order). */
export function engineColorScale(engines: readonly string[]): { domain: string[]; range: string[] } {
  const fallback = ['#72b7b2', '#eeca3b', '#ff9da6', '#9d755d', '#bab0ac'];
  return { domain: [...engines], range: engines.map((e, i) => ENGINE_COLORS[e] ?? fallback[i % fallback.length]) };
}

/**
 * At most `max` of `names`, in order, for plots with one panel per quantity; the title says what was left
 * out so that a cut plot is never mistaken for a whole one.
 */
export function capNames(names: readonly string[], max: number): { kept: string[]; note: string } {
  if (names.length <= max) return { kept: [...names], note: '' };
  return { kept: names.slice(0, max), note: ` (first ${max} of ${names.length} quantities)` };
}

/** The block a quantity belongs to: `beta[T : R : diseased]` -> `beta`. */
export const blockOf = (name: string): string => {
  const i = name.indexOf('[');
  return i < 0 ? name : name.slice(0, i);
};

/** Every `stride`-th index so that at most `max` remain (for plots of long draw sequences). */
export function thinStride(n: number, max: number): number {
  return Math.max(1, Math.ceil(n / max));
}
