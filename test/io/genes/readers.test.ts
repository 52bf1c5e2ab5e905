import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { geneCounts, readCountMatrix } from '../../../src/io/genes/read.js';
import { ROOT } from '../../helpers.js';

const DIR = `${ROOT}test/fixtures/genes-300/`;

describe('count matrices: h5ad, 10x h5 and Matrix Market', () => {
  it('read to the same genes, cells and counts, stored gene-major', async () => {
    const h5ad = await readCountMatrix(`${DIR}counts.h5ad`, { layer: 'counts' });
    const tenx = await readCountMatrix(`${DIR}filtered_feature_bc_matrix.h5`);
    const mtx = await readCountMatrix(`${DIR}mtx`);
    expect(h5ad.genes.length).toBe(300);
    expect(h5ad.cells.length).toBe(5000);
    expect(h5ad.values.length).toBe(350853);
    for (const m of [tenx, mtx]) {
      expect(m.genes).toEqual(h5ad.genes);
      expect(m.cells).toEqual(h5ad.cells);
      expect(m.start).toEqual(h5ad.start);
      expect(m.cellIndex).toEqual(h5ad.cellIndex);
      expect(m.values).toEqual(h5ad.values);
    }
    // Each gene's cells ascend; obs came with the h5ad only.
    const g = geneCounts(h5ad, 2);
    expect(g.gene).toBe('G00003');
    expect(g.cellIndex.every((c, k) => k === 0 || c > g.cellIndex[k - 1])).toBe(true);
    expect(h5ad.obs?.names).toContain('cell_group');
    expect(mtx.obs).toBeUndefined();
  });

  it('refuses normalised values, naming the gene, the cell and the layer to use', async () => {
    await expect(readCountMatrix(`${DIR}counts.h5ad`)).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ code: 'E442', hint: expect.stringContaining('--layer counts') })],
    });
  });

  it('names an unknown layer with the ones there are, and a path of no known format', async () => {
    await expect(readCountMatrix(`${DIR}counts.h5ad`, { layer: 'raw' })).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ code: 'E443', message: expect.stringContaining("no layer 'raw'"), hint: 'its layers: counts' })],
    });
    await expect(readCountMatrix(`${DIR}cells.csv.gz`)).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'E440' })] });
    await expect(readCountMatrix(`${DIR}mtx`, { layer: 'counts' })).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'E443' })] });
  });

  it('reads a Matrix Market body as its text says: CRLF, tabs, leading zeros, an exponent; a fraction is refused', async () => {
    const folder = (body: string): string => {
      const dir = mkdtempSync(join(tmpdir(), 'mtx-'));
      writeFileSync(join(dir, 'features.tsv'), 'g1\tA\ng2\tB\n');
      writeFileSync(join(dir, 'barcodes.tsv'), 'c1\nc2\nc3\n');
      writeFileSync(join(dir, 'matrix.mtx'), `%%MatrixMarket matrix coordinate integer general\r\n%comment\r\n2 3 4\r\n${body}`);
      return dir;
    };
    const m = await readCountMatrix(folder('1 1 3\r\n2\t3\t007\r\n1 3 1e1\r\n2  2  0000000000000042\r\n'));
    expect(Array.from(geneCounts(m, 0).values)).toEqual([3, 10]);
    expect(Array.from(geneCounts(m, 0).cellIndex)).toEqual([0, 2]);
    expect(Array.from(geneCounts(m, 1).values)).toEqual([42, 7]);
    await expect(readCountMatrix(folder('1 1 3\n2 3 2.5\n1 3 1\n2 2 1\n'))).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'E442' })] });
  });
});
