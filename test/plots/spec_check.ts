import * as vl from 'vega-lite';
import * as vega from 'vega';
import type { PlotSpec } from '../../src/plots/common.js';

/**
 * Compiles a spec with vega-lite and renders it with vega to SVG, collecting every warning: a spec
 * that vega-lite only half understands compiles with warnings and draws something else.
 */
export async function compileAndRender(spec: PlotSpec): Promise<{ warnings: string[]; svg: string }> {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => { throw new Error(m.join(' ')); },
    warn: (...m: unknown[]) => { warnings.push(m.join(' ')); return logger; },
    info: () => logger,
    debug: () => logger,
  };
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger: logger as never });
  const svg = await view.toSVG();
  view.finalize();
  return { warnings, svg };
}

/** The data values of a spec with inline data (all of ours), or of its first concatenated panel. */
export function inlineValues(spec: object): Record<string, unknown>[] {
  return (spec as { data: { values: Record<string, unknown>[] } }).data.values;
}
