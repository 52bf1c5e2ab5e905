import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { userError } from '../../core/errors.js';
import { geneMajor, type CountMatrix } from './matrix.js';

/** The first of these that exists in the folder (Cell Ranger 3+ gzips them; older versions did not). */
function part(dir: string, names: readonly string[]): string {
  for (const n of names) if (existsSync(join(dir, n))) return join(dir, n);
  throw userError('E440', `${dir}: no ${names[0]} in the folder`, { hint: 'a Matrix Market folder holds matrix.mtx.gz, features.tsv.gz (or genes.tsv.gz) and barcodes.tsv.gz' });
}

function bytesOf(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

function text(path: string): string {
  return bytesOf(path).toString('utf8');
}

function lines(path: string): string[] {
  return text(path).split(/\r?\n/).filter((l) => l.length > 0);
}

/**
 * A Matrix Market folder as Cell Ranger writes it: `matrix.mtx.gz` (coordinate, integer, genes x cells,
 * 1-based), `features.tsv.gz` (id, name, type; the name identifies the gene) and `barcodes.tsv.gz`.
 */
export function readMtxFolder(dir: string): CountMatrix {
  const features = lines(part(dir, ['features.tsv.gz', 'features.tsv', 'genes.tsv.gz', 'genes.tsv'])).map((l) => l.split('\t'));
  const genes = features.map((f) => f[1] ?? f[0]);
  const cells = lines(part(dir, ['barcodes.tsv.gz', 'barcodes.tsv'])).map((l) => l.split('\t')[0]);
  const path = part(dir, ['matrix.mtx.gz', 'matrix.mtx']);
  // Numbers are read straight from the bytes: a string of the whole file and a slice per number cost
  // more than the inflation (1.3 million entries: 150 ms).
  const body = bytesOf(path);
  const n = body.length;
  const lineEnd = (from: number): number => {
    const e = body.indexOf(10, from);
    return e < 0 ? n : e;
  };
  const header = body.toString('utf8', 0, Math.min(lineEnd(0), 200));
  if (!/^%%MatrixMarket\s+matrix\s+coordinate\s+(integer|real)\s+general/i.test(header)) {
    throw userError('E440', `${path}: not a Matrix Market coordinate matrix (first line '${header.slice(0, 80)}')`, { hint: "Cell Ranger's matrix.mtx.gz starts with '%%MatrixMarket matrix coordinate integer general'" });
  }
  let pos = 0;
  while (pos < n && body[pos] === 37 /* % */) pos = lineEnd(pos) + 1;
  const size = body.toString('utf8', pos, lineEnd(pos)).trim().split(/\s+/).map(Number);
  pos = lineEnd(pos) + 1;
  const [nRows, nCols, nnz] = size;
  if (nRows !== genes.length || nCols !== cells.length) {
    throw userError('E441', `${path}: the matrix is ${nRows} x ${nCols} but the folder lists ${genes.length} features and ${cells.length} barcodes`, { hint: 'the three files must come from one run' });
  }
  const gene = new Uint32Array(nnz);
  const cell = new Uint32Array(nnz);
  const value = new Float64Array(nnz);
  let k = 0;
  // A field of up to 15 digits is its integer, exactly; anything else (a real count, a sign, an
  // exponent, a stray character) is read by Number, as the text says it.
  const field = (): number => {
    while (pos < n && (body[pos] === 32 || body[pos] === 9)) pos++;
    const s = pos;
    let v = 0;
    let digits = true;
    while (pos < n) {
      const ch = body[pos];
      if (ch === 32 || ch === 9 || ch === 10 || ch === 13) break;
      const d = ch - 48;
      if (d >= 0 && d <= 9) v = v * 10 + d;
      else digits = false;
      pos++;
    }
    return digits && pos > s && pos - s <= 15 ? v : Number(body.toString('utf8', s, pos));
  };
  while (k < nnz) {
    while (pos < n && (body[pos] === 10 || body[pos] === 13)) pos++;
    if (pos >= n) break;
    gene[k] = field() - 1;
    cell[k] = field() - 1;
    value[k] = field();
    k++;
  }
  if (k !== nnz) throw userError('E441', `${path}: the header promises ${nnz} entries, the file has ${k}`, { hint: 'the file is truncated' });
  return geneMajor(dir, 'mtx', genes, cells, gene, cell, value, 'matrix.mtx');
}
