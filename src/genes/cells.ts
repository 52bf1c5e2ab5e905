import { userError } from '../core/errors.js';
import { parseTable, type Column, type ColumnSpec, type DataTable } from '../data/table.js';
import { codeFactor } from '../data/levels.js';
import type { CellColumns, CountMatrix } from '../io/genes/read.js';

/** The model's data column that takes each gene's counts in turn. */
export const RESPONSE = 'gene';

/**
 * The cell metadata the model declares (every data column but `gene`), one row per cell of the matrix in
 * the matrix's order: from a CSV joined on the barcode (`--cells`), or from the file's own obs (AnnData).
 * The values go through the same reader and checks as any data file, so a bad value is named by column
 * and row; the factors keep only the levels of the matrix's cells (R's droplevels), since a level with
 * no cells would be a parameter no gene's data can identify.
 */
export function cellTable(matrix: CountMatrix, specs: readonly ColumnSpec[], cells?: { readonly text: string; readonly file: string }): DataTable {
  const wanted = specs.filter((s) => s.name !== RESPONSE);
  const source = cells ?? (matrix.obs ? { text: obsCsv(matrix.obs, matrix.cells), file: `${matrix.source} (obs)` } : undefined);
  if (!source) {
    throw userError('E444', `${matrix.source} carries no cell metadata, and the model needs ${wanted.map((s) => `'${s.name}'`).join(', ')}`,
      { hint: 'give a CSV of the cells with --cells FILE: a barcode column and the columns the model declares' });
  }
  const header = source.text.slice(0, source.text.search(/\r?\n/)).split(',').map((h) => h.replace(/^\uFEFF?"?|"$/g, ''));
  const key = header.includes('barcode') ? 'barcode' : header[0];
  if (wanted.some((s) => s.name === key)) throw userError('E444', `${source.file}: the barcode column '${key}' is also a model column`, { hint: "name the barcode column 'barcode'" });
  const table = parseTable(source.text, source.file, [...wanted, { name: key, type: 'factor' }]);
  const barcodes = table.columns.get(key);
  if (barcodes?.kind !== 'factor') throw new Error('cellTable: the barcode column is not a factor');
  const rowOf = new Map<string, number>();
  for (let r = 0; r < table.nRows; r++) {
    const b = barcodes.levels[barcodes.codes[r]];
    if (rowOf.has(b)) throw userError('E444', `${source.file}: barcode '${b}' is on two rows (${rowOf.get(b)! + 1} and ${r + 1} of the data)`, { hint: 'each cell once' });
    rowOf.set(b, r);
  }
  const rows = new Int32Array(matrix.cells.length);
  const missing: string[] = [];
  matrix.cells.forEach((b, i) => {
    const r = rowOf.get(b);
    if (r === undefined) missing.push(b);
    else rows[i] = r;
  });
  if (missing.length > 0) {
    throw userError('E444', `${missing.length} of the ${matrix.cells.length} cells of ${matrix.source} are not in ${source.file}: ${missing.slice(0, 3).map((b) => `'${b}'`).join(', ')}${missing.length > 3 ? ', ...' : ''}`,
      { hint: `the cell table is joined on its '${key}' column; every barcode of the matrix needs a row` });
  }
  const columns = new Map<string, Column>();
  for (const s of wanted) columns.set(s.name, pick(table.columns.get(s.name)!, rows));
  return { file: source.file, nRows: rows.length, columns, lineOf: table.lineOf ? (row) => table.lineOf!(rows[row]) : undefined };
}

/** A column's values at the given rows; a factor's levels reduced to those present, in R's order. */
function pick(c: Column, rows: Int32Array): Column {
  if (c.kind === 'numeric') return { ...c, values: Float64Array.from(rows, (r) => c.values[r]) };
  return { kind: 'factor', name: c.name, ...codeFactor(Array.from(rows, (r) => c.levels[c.codes[r]])) };
}

/** AnnData's obs as CSV text (every field quoted), with the barcodes as the first column. */
function obsCsv(obs: CellColumns, barcodes: readonly string[]): string {
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  const lines = [['barcode', ...obs.names].map(q).join(',')];
  for (let i = 0; i < barcodes.length; i++) lines.push([barcodes[i], ...obs.columns.map((c) => c[i])].map(q).join(','));
  return lines.join('\n') + '\n';
}

/** The cells table with one gene's counts as the `gene` column. */
export function withGene(cells: DataTable, cellIndex: ArrayLike<number>, values: ArrayLike<number>): DataTable {
  const y = new Float64Array(cells.nRows);
  for (let k = 0; k < values.length; k++) y[cellIndex[k]] = values[k];
  const columns = new Map(cells.columns);
  columns.set(RESPONSE, { kind: 'numeric', name: RESPONSE, type: 'count', values: y });
  return { ...cells, columns };
}
