import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { userError, type Span } from '../core/errors.js';
import { parseTable, type ColumnSpec, type DataTable } from '../data/table.js';

/**
 * A gzip file ends with its uncompressed size mod 2^32 (RFC 1952): asking zlib for one output chunk
 * of that size spares it collecting 16 KB chunks and copying them into one buffer, which at 10^6 rows
 * (55 MB) cost more than the inflation itself. Only a hint: a wrong size is still decoded right.
 */
function outputChunk(gz: Uint8Array): number {
  const n = gz.length;
  const isize = n >= 18 ? (gz[n - 4] | (gz[n - 3] << 8) | (gz[n - 2] << 16) | (gz[n - 1] << 24)) >>> 0 : 0;
  return Math.min(Math.max(isize + 1, 1 << 16), 1 << 30);
}

/** Every gzip stream starts with these two bytes (RFC 1952), whatever the file is called. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * The text of a data file, gunzipped if it is gzip data, decoded as UTF-8 (a leading BOM is dropped).
 * A file that cannot be read is the user's mistake (E401), reported without a stack trace; `span`,
 * if given, is where the model names the file.
 */
export function readTextFile(path: string, span?: Span): string {
  const fail = (reason: string, hint?: string) => userError('E401', `cannot read data file '${path}': ${reason}`, { span, hint });
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw fail('no such file', "a data path in a model is relative to the model file's folder");
    if (code === 'EACCES' || code === 'EPERM') throw fail('permission denied');
    if (code === 'EISDIR') throw fail('it is a folder, not a file');
    throw fail(code ?? 'unknown error');
  }
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes, { chunkSize: outputChunk(bytes) });
    } catch {
      throw fail('it starts like gzip data but does not decompress', 'the file may be truncated: copy or download it again');
    }
  }
  try {
    // fatal: a Latin-1 file would otherwise turn into factor levels with U+FFFD in them, silently.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fail('it is not UTF-8 text', 'save it as CSV with UTF-8 encoding');
  }
}

/**
 * Where a data path written in a model points: relative to the model file's folder, and inside it
 * (subfolders are fine). A model file is text that may come from anyone, so it cannot reach other
 * files (`../../etc/passwd`, `/home/me/.ssh/id_rsa`) by naming them; the user can, by passing the
 * path on the command line (--data), which is never checked, or by allowing the path the model names
 * (`allowOutside`: the CLI's --allow-path, the user's own choice for a model they trust). Symbolic links
 * inside the folder are followed: placing one takes write access to the folder, which the model's author
 * need not have. `span` is where the model names the path; without it the error names the model file.
 */
export function resolveDataPath(modelFile: string, dataPath: string, span?: Span, allowOutside = false): string {
  const folder = dirname(modelFile);
  const path = isAbsolute(dataPath) ? dataPath : join(folder, dataPath);
  if (allowOutside) return path;
  const inside = relative(resolve(folder), resolve(path));
  const escapes = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
  if (isAbsolute(dataPath) || escapes) {
    const hint = `a model names its data relative to its own folder; to read this file, pass it on the command line (--data ${path}) or allow the path the model names (--allow-path)`;
    throw userError('E404', `data file '${dataPath}' is outside the model file's folder`, span === undefined ? { file: modelFile, hint } : { span, hint });
  }
  return path;
}

/** Reads and checks a data file in one step: `readTextFile` then `parseTable`, the path naming it. */
export function readDataTable(path: string, specs: readonly ColumnSpec[], span?: Span): DataTable {
  return parseTable(readTextFile(path, span), path, specs);
}
