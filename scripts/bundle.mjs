// Bundles the CLI into one file so that start-up does not walk hundreds of small modules
// (chevrotain's lodash-es tree alone costs ~0.4 s). tfjs stays external: it is imported lazily,
// only for models large enough to need it, and its wasm binaries are found beside its own files.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their contents: start from an empty folder so that old chunks do not pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  // The chain worker is its own entry: worker threads load it by file name (src/io/chains/pool.ts).
  // relaunch is bin/ppl.js's first import, before it decides whether to load the rest.
  entryPoints: { main: 'src/cli/main.ts', chain_worker: 'src/io/chains/worker.ts', genes_worker: 'src/genes/worker.ts', relaunch: 'src/cli/relaunch.ts' },
  outdir: 'dist/bundle',
  // Code behind dynamic imports (the tfjs emitter) goes to its own chunk, loaded only when used.
  splitting: true,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // The plotting libraries too (imported lazily, for --plot and compare): resvg is a native addon that
  // esbuild cannot bundle, and vega and vega-lite are loaded beside it from node_modules.
  // h5wasm (fit-genes' HDF5 reader) loads its WebAssembly from beside its own files.
  // bullmq reads its Lua scripts from its own folder at run time, so it (and its ioredis) stays in node_modules.
  external: ['@tensorflow/*', 'vega', 'vega-lite', '@resvg/*', 'h5wasm', 'h5wasm/*', 'bullmq', 'ioredis'],
  banner: { js: "import { createRequire as __glimmerRequire } from 'node:module'; const require = __glimmerRequire(import.meta.url);" },
  logLevel: 'warning',
});
