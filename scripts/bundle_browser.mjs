// The library's core as one browser bundle (dist/browser/glimmer.mjs): compile + infer, no file system.
// Run by `npm run build:browser`; test/api/browser_bundle.test.ts builds it into a temporary folder, fails if
// any module reaches for a Node built-in, and fits a model with it.
import { build } from 'esbuild';

export async function bundleBrowser({ outdir = 'dist/browser' } = {}) {
  return build({
    entryPoints: ['src/api/index.ts'],
    outdir,
    entryNames: 'glimmer',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    metafile: true,
    // csv-parse's Node build uses Node's Buffer; its browser build carries its own.
    alias: { 'csv-parse/sync': 'csv-parse/browser/esm/sync' },
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleBrowser();
