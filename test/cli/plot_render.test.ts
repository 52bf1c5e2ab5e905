import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run_cli.js';
import { RESVG_OPTIONS, renderPlot } from '../../src/cli/plot_render.js';
import { elboSpec } from '../../src/plots/elbo.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-plots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PNG width and height from its IHDR chunk. */
const pngSize = (png: Buffer): [number, number] => [png.readUInt32BE(16), png.readUInt32BE(20)];

describe('renderPlot', () => {
  it('writes the SVG and a PNG at twice its size, and no temporary files', async () => {
    const spec = elboSpec([{ run: 'seed 1', step: [50, 100, 150], elbo: [-10, -8, -7.5] }], 'elbo title');
    const written = await renderPlot(spec, join(dir, 'new', 'sub'), 'elbo');
    expect(written).toEqual([join(dir, 'new', 'sub', 'elbo.svg'), join(dir, 'new', 'sub', 'elbo.png')]);
    const svg = readFileSync(written[0], 'utf8');
    expect(svg).toContain('>elbo title<');
    const [, w, h] = /<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!.map(Number);
    const png = readFileSync(written[1]);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pngSize(png)).toEqual([2 * w, 2 * h]);
    expect(readdirSync(join(dir, 'new', 'sub')).sort()).toEqual(['elbo.png', 'elbo.svg']);
  });

  it('finds a font, so that text in the PNG is drawn (fails on a machine without fonts)', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="120" height="30" fill="white"/>' +
      '<text x="4" y="22" font-family="DejaVu Sans, sans-serif" font-size="18">beta[T]</text></svg>';
    const pixels = new Resvg(svg, RESVG_OPTIONS).render().pixels;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
    expect(dark).toBeGreaterThan(100);
  });
});

describe('ppl infer --plot', () => {
  const csv = ['y,x', '3,0.1', '0,-1.2', '5,0.8', '2,0.3', '7,1.5', '1,-0.4', '4,0.9', '0,-2.0'].join('\n');
  writeFileSync(join(dir, 'd.csv'), csv);
  writeFileSync(join(dir, 'm.glmm'), 'data "d.csv" { y: count  x: real } parameters { a ~ Normal(0, 2)  b ~ Normal(0, 2) } model { y ~ Poisson(log_rate = a + b * x) }');
  const files = (d: string): string[] => readdirSync(d).sort();

  const run = runCli;

  it('writes forest, densities and the ELBO trace for VI', async () => {
    const out = join(dir, 'advi');
    const r = await run(['infer', join(dir, 'm.glmm'), '--engine', 'fullrank', '--draws', '500', '--plot', out]);
    expect(r.code).toBe(0);
    expect(files(out)).toEqual(['densities.png', 'densities.svg', 'elbo.png', 'elbo.svg', 'forest.png', 'forest.svg']);
    expect(r.out).toContain(`wrote ${join(out, 'forest.svg')}, ${join(out, 'forest.png')}`);
    expect(readFileSync(join(out, 'elbo.svg'), 'utf8')).toContain('>fullrank: ELBO (mean over each window of steps)<');
  });

  it('writes trace and rank plots for NUTS, and nothing when the model is wrong', async () => {
    const out = join(dir, 'nuts');
    const r = await run(['infer', join(dir, 'm.glmm'), '--engine', 'nuts', '--chains', '2', '--warmup', '200', '--draws', '200', '--plot', out]);
    expect(r.code).toBe(0);
    expect(files(out)).toEqual(['densities.png', 'densities.svg', 'forest.png', 'forest.svg', 'rank.png', 'rank.svg', 'trace.png', 'trace.svg']);
    writeFileSync(join(dir, 'bad.glmm'), 'data "d.csv" { y: count } parameters { a ~ Normal(0, 2) } model { y ~ Poison(log_rate = a) }');
    const bad = await run(['infer', join(dir, 'bad.glmm'), '--plot', join(dir, 'never')]);
    expect(bad.code).toBe(2);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
