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
  /** Counts as float32, exact for whole numbers up to 2^24 (checked on reading): half the memory of float64. */
  readonly values: Float32Array;
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
  readonly values: Float32Array;
}

/** Counts above this are not exact in float32 (and no UMI count comes near it). */
export const MAX_COUNT = 2 ** 24;

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
    checkCount(v, k, source, format, what, genes[g], cells[c]);
    start[g + 1]++;
  }
  for (let g = 0; g < nGenes; g++) start[g + 1] += start[g];
  const fill = Float64Array.from(start.subarray(0, nGenes));
  const cellIndex = new Uint32Array(n);
  const values = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const p = fill[gene[k]]++;
    cellIndex[p] = cell[k];
    values[p] = value[k];
  }
  for (let g = 0; g < nGenes; g++) sortByCell(cellIndex, values, start[g], start[g + 1], genes[g], cells, source);
  return { source, format, genes, cells, start, cellIndex, values };
}

/** Sorts one gene's entries by cell (insertion sort: they arrive sorted from every format but MTX files written out of order). */
function sortByCell(cellIndex: Uint32Array, values: Float32Array, a: number, b: number, gene: string, cells: readonly string[], source: string): void {
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

function checkCount(v: number, k: number, source: string, format: CountMatrix['format'], what: string, gene: string, cell: string): void {
  if (v >= 0 && Number.isInteger(v) && v <= MAX_COUNT) return;
  if (v > MAX_COUNT && Number.isInteger(v)) {
    throw userError('E442', `${source}: ${what} holds ${v} for gene '${gene}' in cell '${cell}' (entry ${k + 1}), more than ${MAX_COUNT} counts in one cell`,
      { hint: 'fit-genes models raw counts (UMIs); this is not one' });
  }
  throw userError('E442', `${source}: ${what} holds ${v} for gene '${gene}' in cell '${cell}', not a count`,
    { hint: format === 'h5ad' ? 'X often holds normalised values: name the layer with raw counts, e.g. --layer counts' : 'fit-genes models raw counts (UMIs), not normalised values' });
}

/**
 * A compressed sparse matrix (CSR or CSC) as stored on disk, read in ranges of its entries: the pointers
 * (one per outer index, plus one), and the inner indices and values of entries [a, b).
 */
export interface SparseSource {
  readonly indptr: ArrayLike<number>;
  readonly nnz: number;
  inner(a: number, b: number): ArrayLike<number>;
  values(a: number, b: number): ArrayLike<number>;
}

/** Entries per block read: a few tens of MB of temporaries, whatever the matrix's size. */
const BLOCK = 1 << 22;

/**
 * Gene-major storage from a compressed sparse matrix read block by block, so that memory holds the
 * result (8 bytes per non-zero) and one block, not the file's arrays besides. `outerIsGene`: gene
 * pointers (AnnData's CSC), whose blocks are copied in place; otherwise (AnnData's CSR, 10x's CSC, whose
 * outer index is the cell) a first pass counts each gene's entries and a second places them, in
 * ascending cell order by construction.
 */
export function geneMajorFromSparse(source: string, format: CountMatrix['format'], genes: readonly string[], cells: readonly string[],
  m: SparseSource, outerIsGene: boolean, what: string, block = BLOCK): Omit<CountMatrix, 'obs'> {
  const nGenes = genes.length;
  const nCells = cells.length;
  const [nOuter, nInner] = outerIsGene ? [nGenes, nCells] : [nCells, nGenes];
  if (m.indptr.length !== nOuter + 1 || Number(m.indptr[nOuter]) !== m.nnz) {
    throw userError('E441', `${source}: ${what}'s pointers do not match its ${nOuter} ${outerIsGene ? 'genes' : 'cells'} and ${m.nnz} entries`, { hint: 'the file is damaged or its parts do not belong together' });
  }
  const outOfRange = (k: number, inner: number): never => {
    throw userError('E441', `${source}: entry ${k + 1} of ${what} has ${outerIsGene ? 'cell' : 'gene'} index ${inner + 1}, outside the ${nInner} ${outerIsGene ? 'cells' : 'genes'}`, { hint: 'the file is damaged or its parts do not belong together' });
  };
  const start = new Float64Array(nGenes + 1);
  const cellIndex = new Uint32Array(m.nnz);
  const values = new Float32Array(m.nnz);
  if (outerIsGene) {
    for (let g = 0; g <= nGenes; g++) start[g] = Number(m.indptr[g]);
    for (let a = 0; a < m.nnz; a += block) {
      const b = Math.min(m.nnz, a + block);
      const inner = m.inner(a, b);
      const v = m.values(a, b);
      let g = upperGene(start, a);
      for (let k = a; k < b; k++) {
        while (start[g + 1] <= k) g++;
        const c = inner[k - a];
        if (!(c >= 0 && c < nCells)) outOfRange(k, c);
        checkCount(v[k - a], k, source, format, what, genes[g], cells[c]);
        cellIndex[k] = c;
        values[k] = v[k - a];
      }
    }
    for (let g = 0; g < nGenes; g++) sortByCell(cellIndex, values, start[g], start[g + 1], genes[g], cells, source);
    return { source, format, genes, cells, start, cellIndex, values };
  }
  for (let a = 0; a < m.nnz; a += block) {
    const inner = m.inner(a, Math.min(m.nnz, a + block));
    for (let j = 0; j < inner.length; j++) {
      const g = inner[j];
      if (!(g >= 0 && g < nGenes)) outOfRange(a + j, g);
      start[g + 1]++;
    }
  }
  for (let g = 0; g < nGenes; g++) start[g + 1] += start[g];
  const fill = Float64Array.from(start.subarray(0, nGenes));
  let cell = 0;
  for (let a = 0; a < m.nnz; a += block) {
    const b = Math.min(m.nnz, a + block);
    const inner = m.inner(a, b);
    const v = m.values(a, b);
    for (let k = a; k < b; k++) {
      while (Number(m.indptr[cell + 1]) <= k) cell++;
      const g = inner[k - a];
      checkCount(v[k - a], k, source, format, what, genes[g], cells[cell]);
      const p = fill[g]++;
      if (p > start[g] && cellIndex[p - 1] === cell) throw userError('E441', `${source}: gene '${genes[g]}' has two entries for cell '${cells[cell]}'`, { hint: 'the file is damaged' });
      cellIndex[p] = cell;
      values[p] = v[k - a];
    }
  }
  return { source, format, genes, cells, start, cellIndex, values };
}

/** The gene whose pointer range holds entry k. */
function upperGene(start: Float64Array, k: number): number {
  let lo = 0;
  let hi = start.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
