import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleBrowser } from '../../scripts/bundle_browser.mjs';

const outdir = mkdtempSync(join(tmpdir(), 'glimmer-browser-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const nodeBuiltin = (path: string): boolean => path.startsWith('node:') || builtinModules.includes(path.split('/')[0]);

describe('the library core as a browser bundle', () => {
  it('builds for platform "browser" with no Node built-in anywhere, and fits a model from strings', async () => {
    const result = await bundleBrowser({ outdir });
    expect(result.errors).toEqual([]);
    const imports = Object.values(result.metafile.inputs as Record<string, { imports: { path: string }[] }>).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter(nodeBuiltin)).toEqual([]);
    // tfjs's emscripten glue names require('fs') inside its Node-only branch; our own modules import nothing of Node.
    const ours = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/'));
    expect(ours.length).toBeGreaterThan(50);
    expect(readdirSync(outdir)).toContain('glimmer.mjs');
    const lib = await import(pathToFileURL(join(outdir, 'glimmer.mjs')).href);
    const model = lib.compile('parameters { mu ~ Normal(0, 10) }\nmodel { y ~ Normal(mu, 1) }\ndata { y: real }', { data: 'y\n1.5\n2.5\n' });
    const fit = await lib.infer(model, { engine: 'laplace' });
    // Conjugate: posterior N(4 / 2.01, 1 / 2.01); the summary is of 4000 draws: within 4 Monte Carlo errors.
    const sd = Math.sqrt(1 / 2.01);
    expect(Math.abs(fit.summary('mu').mean - 4 / 2.01)).toBeLessThan((4 * sd) / Math.sqrt(4000));
    expect(fit.draws('mu').length).toBe(4000);
  }, 60_000);
});
