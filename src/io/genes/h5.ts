import { existsSync } from 'node:fs';
import { userError } from '../../core/errors.js';
import { geneMajorFromSparse, type CellColumns, type CountMatrix, type SparseSource } from './matrix.js';

/**
 * HDF5 count matrices through h5wasm (HDF5 compiled to WebAssembly, maintained by the NIST h5web team):
 * 10x Genomics' `filtered_feature_bc_matrix.h5` and AnnData's `.h5ad`. Loaded on first use: only
 * fit-genes needs it, and the WebAssembly module costs start-up time.
 */
type H5 = typeof import('h5wasm/node');
type H5File = InstanceType<H5['File']>;
type H5Group = InstanceType<H5['Group']>;
type H5Dataset = InstanceType<H5['Dataset']>;

let loaded: Promise<H5> | undefined;
async function h5(): Promise<H5> {
  loaded ??= import('h5wasm/node').then(async (m) => {
    await m.ready;
    return m;
  });
  return loaded;
}

async function open(path: string): Promise<{ lib: H5; file: H5File }> {
  if (!existsSync(path)) throw userError('E401', `cannot read count matrix '${path}': no such file`);
  const lib = await h5();
  try {
    return { lib, file: new lib.File(path, 'r') };
  } catch (e) {
    throw userError('E440', `${path}: not an HDF5 file (${e instanceof Error ? e.message : String(e)})`, { hint: 'fit-genes reads .h5ad (AnnData), 10x .h5 and Matrix Market folders' });
  }
}

function dataset(lib: H5, f: H5File | H5Group, path: string, source: string): H5Dataset {
  const d = f.get(path);
  if (!(d instanceof lib.Dataset)) throw userError('E440', `${source}: no dataset '${path}'`, { hint: 'the file does not have the layout this format requires' });
  return d;
}

function numbers(d: H5Dataset): ArrayLike<number> {
  return asNumbers(d.value);
}

function asNumbers(v: unknown): ArrayLike<number> {
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  return v as ArrayLike<number>;
}

/** A group's data/indices/indptr as a SparseSource: the pointers read whole, the entries by range (HDF5 hyperslabs). */
function sparse(lib: H5, g: H5File | H5Group, prefix: string, path: string): SparseSource {
  const data = dataset(lib, g, `${prefix}data`, path);
  const indices = dataset(lib, g, `${prefix}indices`, path);
  const nnz = data.shape?.[0] ?? 0;
  if ((indices.shape?.[0] ?? -1) !== nnz) throw userError('E441', `${path}: ${prefix}data and ${prefix}indices differ in length`, { hint: 'the file is damaged or its parts do not belong together' });
  const range = (d: H5Dataset) => (a: number, b: number): ArrayLike<number> => asNumbers(d.slice([[a, b]]));
  return { indptr: numbers(dataset(lib, g, `${prefix}indptr`, path)), nnz, inner: range(indices), values: range(data) };
}

function strings(d: H5Dataset): string[] {
  const v = d.value;
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

/** 10x Genomics HDF5 (Cell Ranger 3+): /matrix with CSC data/indices/indptr, columns the barcodes, rows the features. */
export async function read10xH5(path: string): Promise<CountMatrix> {
  const { lib, file } = await open(path);
  try {
    const d = (p: string): H5Dataset => dataset(lib, file, `matrix/${p}`, path);
    const genes = strings(d('features/name'));
    const cells = strings(d('barcodes'));
    return geneMajorFromSparse(path, '10x', genes, cells, sparse(lib, file, 'matrix/', path), false, 'matrix/data');
  } finally {
    file.close();
  }
}

/** AnnData: X (or a layer) as CSR or CSC (cells x genes), var's index the genes, obs's index the barcodes and its columns the cell metadata. */
export async function readH5ad(path: string, layer?: string): Promise<CountMatrix> {
  const { lib, file } = await open(path);
  try {
    const where = layer === undefined ? 'X' : `layers/${layer}`;
    const g = file.get(where);
    if (!(g instanceof lib.Group)) {
      const layers = file.get('layers');
      const names = layers instanceof lib.Group ? layers.keys() : [];
      if (layer !== undefined) throw userError('E443', `${path}: no layer '${layer}'`, { hint: names.length ? `its layers: ${names.join(', ')}` : 'the file has no layers; leave out --layer to read X' });
      throw userError('E440', `${path}: X is not a sparse matrix (a dense X is not supported)`, { hint: 'write the counts as a sparse matrix (scipy.sparse.csr_matrix)' });
    }
    const encoding = String(g.attrs['encoding-type']?.value ?? '');
    if (encoding !== 'csr_matrix' && encoding !== 'csc_matrix') throw userError('E440', `${path}: ${where} is '${encoding}', not a CSR or CSC matrix`);
    const cells = index(lib, file, 'obs', path);
    const genes = index(lib, file, 'var', path);
    const m = geneMajorFromSparse(path, 'h5ad', genes, cells, sparse(lib, g, '', path), encoding === 'csc_matrix', where);
    return { ...m, obs: obsColumns(lib, file, path, cells.length) };
  } finally {
    file.close();
  }
}

/** A dataframe group's index (its `_index` attribute names the dataset). */
function index(lib: H5, file: H5File, frame: string, path: string): string[] {
  const g = file.get(frame);
  if (!(g instanceof lib.Group)) throw userError('E440', `${path}: no '${frame}' dataframe`, { hint: 'not an AnnData file?' });
  const name = String(g.attrs._index?.value ?? '_index');
  return strings(dataset(lib, g, name, path));
}

/** obs's columns as text: categoricals by their category labels, numbers as JavaScript prints them (they read back to the same doubles). */
function obsColumns(lib: H5, file: H5File, path: string, nCells: number): CellColumns {
  const obs = file.get('obs') as H5Group;
  const indexName = String(obs.attrs._index?.value ?? '_index');
  const names: string[] = [];
  const columns: string[][] = [];
  for (const name of obs.keys()) {
    if (name === indexName || name === '__categories') continue;
    const x = obs.get(name);
    let col: string[] | undefined;
    if (x instanceof lib.Group && String(x.attrs['encoding-type']?.value) === 'categorical') {
      const categories = strings(dataset(lib, x, 'categories', path));
      const codes = numbers(dataset(lib, x, 'codes', path));
      col = Array.from({ length: nCells }, (_, i) => (codes[i] < 0 ? 'NA' : categories[codes[i]]));
    } else if (x instanceof lib.Dataset) {
      const v = x.value;
      if (Array.isArray(v)) col = v.map(String);
      else if (v !== null && typeof v === 'object' && 'length' in v) col = Array.from(v as ArrayLike<number | bigint>, (n) => String(n));
    }
    if (col && col.length === nCells) {
      names.push(name);
      columns.push(col);
    }
  }
  return { names, columns };
}
