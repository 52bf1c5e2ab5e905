import { userError } from '../../core/errors.js';

/**
 * A count matrix of genes x cells, stored gene-major: fit-genes takes one gene at a time, and every
 * format on disk (AnnData's CSR, 10x's CSC, Matrix Market) stores it cell-major or in no order. The
 * counts of gene g are values[start[g] .. start[g + 1]) at cells cellIndex[...], in ascending cell order.
 */
export interface CountMatrix {
  /** The file or folder, for messages. */
  readonly source: string;
  readonly format: 'h5ad' | '10x' | 'mtx';
  readonly genes: readonly string[];
  /** Cell barcodes, in the matrix's order. */
  readonly cells: readonly string[];
  readonly start: Float64Array;
  readonly cellIndex: Uint32Array;
  readonly values: Float64Array;
  /** Cell metadata the file carries (AnnData's obs), as text columns in the matrix's cell order. */
  readonly obs?: CellColumns;
}

/** Named text columns, one value per cell. */
export interface CellColumns {
  readonly names: readonly string[];
  readonly columns: readonly (readonly string[])[];
}

/** One gene's counts, sparse. */
export interface GeneCounts {
  readonly gene: string;
  readonly cellIndex: Uint32Array;
  readonly values: Float64Array;
}

export function geneCounts(m: CountMatrix, g: number): GeneCounts {
  const [a, b] = [m.start[g], m.start[g + 1]];
  return { gene: m.genes[g], cellIndex: m.cellIndex.subarray(a, b), values: m.values.subarray(a, b) };
}

/**
 * Gene-major storage from entries in any order (a counting sort by gene, stable in the entries' order,
 * then each gene's cells sorted when they were not already): O(entries). Checks that every count is a
 * non-negative whole number and every index in range, naming the first bad entry.
 */
export function geneMajor(source: string, format: CountMatrix['format'], genes: readonly string[], cells: readonly string[],
  gene: ArrayLike<number>, cell: ArrayLike<number>, value: ArrayLike<number>, what: string): Omit<CountMatrix, 'obs'> {
  const n = value.length;
  const nGenes = genes.length;
  const nCells = cells.length;
  const start = new Float64Array(nGenes + 1);
  for (let k = 0; k < n; k++) {
    const g = gene[k];
    const c = cell[k];
    const v = value[k];
    if (!(g >= 0 && g < nGenes) || !(c >= 0 && c < nCells)) {
      throw userError('E441', `${source}: entry ${k + 1} of ${what} is outside the ${nGenes} genes x ${nCells} cells (gene ${g + 1}, cell ${c + 1})`, { hint: 'the file is damaged or its parts do not belong together' });
    }
    if (!(v >= 0 && Number.isInteger(v))) {
      throw userError('E442', `${source}: ${what} holds ${v} for gene '${genes[g]}' in cell '${cells[c]}', not a count`,
        { hint: format === 'h5ad' ? 'X often holds normalised values: name the layer with raw counts, e.g. --layer counts' : 'fit-genes models raw counts (UMIs), not normalised values' });
    }
    start[g + 1]++;
  }
  for (let g = 0; g < nGenes; g++) start[g + 1] += start[g];
  const fill = Float64Array.from(start.subarray(0, nGenes));
  const cellIndex = new Uint32Array(n);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = fill[gene[k]]++;
    cellIndex[p] = cell[k];
    values[p] = value[k];
  }
  for (let g = 0; g < nGenes; g++) sortByCell(cellIndex, values, start[g], start[g + 1], genes[g], cells, source);
  return { source, format, genes, cells, start, cellIndex, values };
}

/** Sorts one gene's entries by cell (insertion sort: they arrive sorted from every format but MTX files written out of order). */
function sortByCell(cellIndex: Uint32Array, values: Float64Array, a: number, b: number, gene: string, cells: readonly string[], source: string): void {
  for (let i = a + 1; i < b; i++) {
    if (cellIndex[i] > cellIndex[i - 1]) continue;
    const c = cellIndex[i];
    const v = values[i];
    let j = i - 1;
    while (j >= a && cellIndex[j] > c) {
      cellIndex[j + 1] = cellIndex[j];
      values[j + 1] = values[j];
      j--;
    }
    if (j >= a && cellIndex[j] === c) throw userError('E441', `${source}: gene '${gene}' has two entries for cell '${cells[c]}'`, { hint: 'the file is damaged' });
    cellIndex[j + 1] = c;
    values[j + 1] = v;
  }
}

/** Entries of a compressed sparse matrix (CSR or CSC) as (outer, inner) index pairs: outer k for pointer range k. */
export function expandPointers(indptr: ArrayLike<number | bigint>, nnz: number): Uint32Array {
  const outer = new Uint32Array(nnz);
  for (let k = 0; k + 1 < indptr.length; k++) outer.fill(k, Number(indptr[k]), Number(indptr[k + 1]));
  return outer;
}
