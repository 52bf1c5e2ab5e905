import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { makeFolder } from '../io/folders.js';
import { userError } from '../api/errors.js';
import { join } from 'node:path';
import type { Fit } from '../api/infer.js';
import type { PlotSpec } from '../plots/common.js';
import { fitPlots } from '../plots/fit_plots.js';

/** PNG pixels per SVG unit: sharp on a high-density screen, still small files. */
const PNG_ZOOM = 2;
/** The family the specs ask for (src/plots/common.ts); resvg falls back to it for any unnamed one. */
const FONT = 'DejaVu Sans';

/** A vega-lite spec as SVG, rendered headless: vega's SVG renderer needs no canvas and no browser. */
export async function specToSvg(spec: PlotSpec): Promise<string> {
  // Imported here, not at the top: vega costs ~0.3 s to load, which `ppl infer` without --plot must not pay.
  const [vl, vega] = await Promise.all([import('vega-lite'), import('vega')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** How resvg rasterizes: at PNG_ZOOM, with the system's fonts (DejaVu on Debian, fonts-dejavu-core). */
export const RESVG_OPTIONS = {
  fitTo: { mode: 'zoom', value: PNG_ZOOM },
  font: { loadSystemFonts: true, defaultFontFamily: FONT, sansSerifFamily: FONT },
} as const;

/** An SVG as PNG by resvg (prebuilt native binaries from the npm registry, no browser). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const { Resvg } = await import('@resvg/resvg-js');
  return new Resvg(svg, RESVG_OPTIONS).render().asPng();
}

/**
 * Writes baseName.svg and baseName.png into dir, each under a temporary name first and renamed into
 * place together, so that a reader never sees a half-written plot or an SVG without its PNG.
 * Returns the paths written.
 */
export async function renderPlot(spec: PlotSpec, dir: string, baseName: string): Promise<string[]> {
  const svg = await specToSvg(spec);
  const png = await svgToPng(svg);
  const cannot = (e: unknown): Error => userError('E405', `cannot write the plots to ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    { hint: 'choose a writable folder with --plot' });
  try {
    makeFolder(dir);
  } catch (e) {
    throw cannot(e);
  }
  const files: [string, string | Uint8Array][] = [[`${baseName}.svg`, svg], [`${baseName}.png`, png]];
  const staged = files.map(([name, bytes]) => {
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    try {
      writeFileSync(tmp, bytes);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw cannot(e);
    }
    return [tmp, join(dir, name)] as const;
  });
  for (const [tmp, final] of staged) renameSync(tmp, final);
  return staged.map(([, final]) => final);
}

/** Renders every plot of a set (e.g. fitPlots(fit)) into dir; returns the paths written. */
export async function renderPlots(plots: Readonly<Record<string, PlotSpec>>, dir: string): Promise<string[]> {
  const written: string[] = [];
  for (const [name, spec] of Object.entries(plots)) written.push(...await renderPlot(spec, dir, name));
  return written;
}

/** `ppl infer --plot DIR`: the plots of one fit (src/plots/fit_plots.ts) as SVG and PNG. */
export async function writeFitPlots(fit: Fit, dir: string): Promise<string[]> {
  return renderPlots(fitPlots(fit), dir);
}
