import { existsSync, statSync } from 'node:fs';
import { userError } from '../../core/errors.js';
import { read10xH5, readH5ad } from './h5.js';
import type { CountMatrix } from './matrix.js';
import { readMtxFolder } from './mtx.js';

export type { CountMatrix, GeneCounts, CellColumns } from './matrix.js';
export { geneCounts } from './matrix.js';

/** A count matrix by its path: a `.h5ad` file, a 10x `.h5` file, or a Matrix Market folder. */
export async function readCountMatrix(path: string, options: { layer?: string } = {}): Promise<CountMatrix> {
  if (!existsSync(path)) throw userError('E401', `cannot read count matrix '${path}': no such file or folder`);
  if (statSync(path).isDirectory()) {
    if (options.layer !== undefined) throw userError('E443', `--layer applies to .h5ad files, and '${path}' is a Matrix Market folder`);
    return readMtxFolder(path);
  }
  if (/\.h5ad$/i.test(path)) return readH5ad(path, options.layer);
  if (/\.(h5|hdf5)$/i.test(path)) {
    if (options.layer !== undefined) throw userError('E443', `--layer applies to .h5ad files, and '${path}' is a 10x .h5 file`);
    return read10xH5(path);
  }
  throw userError('E440', `'${path}' is not a count matrix fit-genes reads`, { hint: 'give a .h5ad file, a 10x .h5 file, or a Matrix Market folder (matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz)' });
}
