import { fileURLToPath } from 'node:url';
import { compile, type Model } from '../src/api/compile.js';
import { GlimmerError } from '../src/core/errors.js';
import { loadModel } from '../src/io/load_model.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A model from source and inline CSV text, as a library user would compile it. */
export function compileText(source: string, csv?: string): Model {
  return compile(source, { fileName: 'test.glmm', data: csv === undefined ? undefined : { text: csv, file: 'test.csv' } });
}

/** One of the repository's models, loaded through the Node entry point like the CLI does. */
export function loadRepoModel(name: string, options: { reduce?: boolean } = {}): Model {
  return loadModel(`${ROOT}models/${name}`, options);
}

/** What compiling says: each diagnostic as `code: message (hint)`, joined by '; ', or 'compiled'. */
export function compileMessage(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    if (e instanceof GlimmerError) return e.diagnostics.map((d) => `${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('; ');
    throw e;
  }
  return 'compiled';
}
