import { describe, expect, it } from 'vitest';
import { geneMajorFromSparse, type SparseSource } from '../../../src/io/genes/matrix.js';
import { GlimmerError } from '../../../src/core/errors.js';

// A 3-gene x 4-cell matrix:      c1 c2 c3 c4
//                           g1 [  1  0  0  2 ]
//                           g2 [  0  0  0  0 ]
//                           g3 [  5  3  0  1 ]
const genes = ['g1', 'g2', 'g3'];
const cells = ['c1', 'c2', 'c3', 'c4'];
const source = (indptr: number[], inner: number[], values: number[]): SparseSource & { reads: number } => {
  const s = {
    reads: 0, indptr, nnz: values.length,
    inner: (a: number, b: number) => (s.reads++, inner.slice(a, b)),
    values: (a: number, b: number) => values.slice(a, b),
  };
  return s;
};
// Cell-major (AnnData's CSR, 10x's CSC): one pointer range per cell, gene indices inside (c3 empty).
const byCell = () => source([0, 2, 3, 3, 5], [0, 2, 2, 0, 2], [1, 5, 3, 2, 1]);
// Gene-major (AnnData's CSC): one range per gene, cells inside, one gene's cells out of order.
const byGene = () => source([0, 2, 2, 5], [3, 0, 0, 1, 3], [2, 1, 5, 3, 1]);
const expected = { start: [0, 2, 2, 5], cellIndex: [0, 3, 0, 1, 3], values: [1, 2, 5, 3, 1] };

describe('gene-major storage read block by block', () => {
  it.each([1, 2, 3, 1 << 22])('cell-major and gene-major sources give the same store (blocks of %i entries)', (block) => {
    for (const [m, outerIsGene] of [[byCell(), false], [byGene(), true]] as const) {
      const r = geneMajorFromSparse('test', 'h5ad', genes, cells, m, outerIsGene, 'X', block);
      expect(Array.from(r.start)).toEqual(expected.start);
      expect(Array.from(r.cellIndex)).toEqual(expected.cellIndex);
      expect(Array.from(r.values)).toEqual(expected.values);
      expect(r.values).toBeInstanceOf(Float32Array);
    }
  });

  it('reads a cell-major source in two passes of blocks, never whole', () => {
    const m = byCell();
    geneMajorFromSparse('test', 'h5ad', genes, cells, m, false, 'X', 2);
    expect(m.reads).toBe(6);
  });

  const error = (m: SparseSource, outerIsGene: boolean): string => {
    try {
      geneMajorFromSparse('f.h5ad', 'h5ad', genes, cells, m, outerIsGene, 'X', 2);
    } catch (e) {
      if (e instanceof GlimmerError) return e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n');
      throw e;
    }
    return 'no error';
  };

  it('names what is wrong: a non-count, a count too large for float32, an index out of range, a duplicate, bad pointers', () => {
    expect(error(source([0, 2, 3, 3, 5], [0, 2, 2, 0, 2], [1, 5.5, 3, 2, 1]), false)).toBe("E442: f.h5ad: X holds 5.5 for gene 'g3' in cell 'c1', not a count");
    expect(error(source([0, 2, 3, 3, 5], [0, 2, 2, 0, 2], [1, 2 ** 25, 3, 2, 1]), false)).toMatch(/^E442: f\.h5ad: X holds 33554432 for gene 'g3' in cell 'c1' \(entry 2\), more than 16777216 counts in one cell/);
    expect(error(source([0, 2, 3, 3, 5], [0, 7, 2, 0, 2], [1, 5, 3, 2, 1]), false)).toBe('E441: f.h5ad: entry 2 of X has gene index 8, outside the 3 genes');
    expect(error(source([0, 2, 2, 5], [3, 0, 0, 9, 3], [2, 1, 5, 3, 1]), true)).toBe('E441: f.h5ad: entry 4 of X has cell index 10, outside the 4 cells');
    expect(error(source([0, 2, 2, 5], [3, 0, 0, 3, 3], [2, 1, 5, 3, 1]), true)).toBe("E441: f.h5ad: gene 'g3' has two entries for cell 'c4'");
    expect(error(source([0, 2, 3, 3, 4], [0, 2, 2, 0, 2], [1, 5, 3, 2, 1]), false)).toBe("E441: f.h5ad: X's pointers do not match its 4 cells and 5 entries");
  });
});
