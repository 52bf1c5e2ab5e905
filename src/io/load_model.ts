import { readFileSync } from 'node:fs';
import { userError } from '../core/errors.js';
import { compile, parseModel, type Model } from '../api/compile.js';
import { readTextFile, resolveDataPath } from './read_data.js';

export interface LoadOptions {
  /** Overrides the data block's path (relative to the working directory, like any CLI path). */
  readonly dataPath?: string;
  /** Reduce the likelihood to per-cell sums where exact (default true; see compile). */
  readonly reduce?: boolean;
  /** Maximum likelihood (see compile). */
  readonly ml?: boolean;
}

/** Reads a model file. A missing file is the user's mistake (E401). */
export function readModelSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw userError('E401', `cannot read model file '${path}': ${code === 'ENOENT' ? 'no such file' : code ?? 'unknown error'}`);
  }
}

/** Node entry point of the library: a model file and its data (the data block's path, or --data) -> a checked model. */
export function loadModel(modelPath: string, options: LoadOptions = {}): Model {
  const source = readModelSource(modelPath);
  const program = parseModel(source, modelPath);
  const declared = program.data?.path;
  const dataPath = options.dataPath ?? (declared ? resolveDataPath(modelPath, declared.value) : undefined);
  const data = dataPath === undefined ? undefined : { text: readTextFile(dataPath, options.dataPath ? undefined : declared?.span), file: dataPath };
  return compile(source, { fileName: modelPath, data, reduce: options.reduce, ml: options.ml });
}
