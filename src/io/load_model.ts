import { existsSync, readFileSync } from 'node:fs';
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
  /** REML (see compile). */
  readonly reml?: boolean;
}

/**
 * Reads a model file. A missing file is the user's mistake (E401), and so is one that is not text:
 * most likely the data file given in the model's place, which would otherwise come out as a screen
 * of "unexpected character" errors.
 */
export function readModelSource(path: string): string {
  const fail = (reason: string, hint?: string) => userError('E401', `cannot read model file '${path}': ${reason}`, { hint });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code ?? 'unknown error');
  }
  const notModel = 'a model file is text (.glmm); a data file goes in the data block or --data';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw fail('it is gzip data, not a model', notModel);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('it is not UTF-8 text', notModel);
  }
}

/**
 * The data file a command reads: --data when given; with --allow-path, the path the model names even
 * outside its folder (resolveDataPath keeps a model file from reaching other files unless the user
 * allows it); otherwise undefined, and the model's own path is checked where it is read.
 */
export function chosenDataPath(modelPath: string, data: string | undefined, allowPath: boolean | undefined): string | undefined {
  if (data !== undefined || !allowPath) return data;
  const declared = parseModel(readModelSource(modelPath), modelPath).data?.path;
  if (!declared) return undefined;
  const path = resolveDataPath(modelPath, declared.value, declared.span, true);
  // Handed on as --data is, the path loses the model's line: a file that is not there is reported here, at it.
  if (!existsSync(path)) readTextFile(path, declared.span);
  return path;
}

/** Node entry point of the library: a model file and its data (the data block's path, or --data) -> a checked model. */
export function loadModel(modelPath: string, options: LoadOptions = {}): Model {
  const source = readModelSource(modelPath);
  const program = parseModel(source, modelPath);
  const declared = program.data?.path;
  const dataPath = options.dataPath ?? (declared ? resolveDataPath(modelPath, declared.value, declared.span) : undefined);
  const data = dataPath === undefined ? undefined : { text: readTextFile(dataPath, options.dataPath ? undefined : declared?.span), file: dataPath };
  return compile(source, { fileName: modelPath, data, reduce: options.reduce, ml: options.ml, reml: options.reml });
}
