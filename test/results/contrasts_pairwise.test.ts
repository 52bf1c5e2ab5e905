import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { levelDesign, pairwiseContrasts, type LevelDesign } from '../../src/results/contrasts_pairwise.js';

/** A table as the CLI sees it: every column as text, and the factor's codes. */
function design(header: string[], rows: string[][], factor: string, levels?: string[]): LevelDesign {
  const f = header.indexOf(factor);
  const lv = levels ?? [...new Set(rows.map((r) => r[f]))].sort();
  const codes = Int32Array.from(rows, (r) => lv.indexOf(r[f]));
  return levelDesign(factor, lv, codes, header.map((name, c) => ({ name, value: (i: number) => rows[i][c] })));
}

// Two cell types x two tissues x two disease states, two patients per level; `blood` is a function of
// tissue, `type_tissue` of cell type and tissue, `label` a relabelling of the level, `patient` varies.
const header = ['patient', 'type_tissue', 'group', 'celltype', 'tissue', 'disease', 'blood', 'label'];
const rows: string[][] = [];
let n = 0;
for (const celltype of ['T', 'B']) {
  for (const tissue of ['R', 'PBMC']) {
    for (const disease of ['healthy', 'diseased']) {
      for (const patient of ['p1', 'p2']) {
        rows.push([patient, `${celltype}:${tissue}`, `${celltype} : ${tissue} : ${disease}`, celltype, tissue, disease, tissue === 'PBMC' ? 'yes' : 'no', `L${n}`]);
      }
      n++;
    }
  }
}
// `label` is constant within levels only if each level has one label: give both rows of a level the same.
rows.forEach((r, i) => { r[7] = `L${Math.floor(i / 2)}`; });

const names = (d: LevelDesign, by: string[], refs?: Map<string, string>) =>
  pairwiseContrasts(d, by, refs).map((g) => ({ by: g.by, held: g.held, pairs: g.pairs.map((p) => `${d.levels[p.plus]} - ${d.levels[p.minus]}`) }));

describe('levelDesign: the level -> column mapping from the rows', () => {
  it('finds the columns constant within levels and an example of one that is not', () => {
    const d = design(header, rows, 'group');
    expect([...d.constant.keys()]).toEqual(['type_tissue', 'celltype', 'tissue', 'disease', 'blood', 'label']);
    expect(d.constant.get('tissue')).toEqual(['PBMC', 'PBMC', 'R', 'R', 'PBMC', 'PBMC', 'R', 'R']);
    expect(d.varying.get('patient')).toEqual({ level: 'T : R : healthy', values: ['p1', 'p2'] });
    expect(d.rows).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
  });
});

describe('pairwiseContrasts: levels that differ in one --by column, all else equal', () => {
  it('holds the cell type equal, ignores columns derived from the compared ones, subtracts the control and the first level', () => {
    const d = design(header, rows, 'group');
    expect(names(d, ['tissue', 'disease'])).toEqual([
      { by: 'tissue', held: ['disease', 'celltype'], pairs: ['B : R : diseased - B : PBMC : diseased', 'B : R : healthy - B : PBMC : healthy', 'T : R : diseased - T : PBMC : diseased', 'T : R : healthy - T : PBMC : healthy'] },
      { by: 'disease', held: ['tissue', 'celltype'], pairs: ['B : PBMC : diseased - B : PBMC : healthy', 'B : R : diseased - B : R : healthy', 'T : PBMC : diseased - T : PBMC : healthy', 'T : R : diseased - T : R : healthy'] },
    ]);
  });

  it('with one --by column, the others are held equal through the columns that describe them', () => {
    const d = design(header, rows, 'group');
    const [g] = names(d, ['disease']);
    expect(g.held).toEqual(['celltype', 'tissue']);
    expect(g.pairs).toHaveLength(4);
  });

  it('takes a reference given by the user', () => {
    const d = design(header, rows, 'group');
    const [g] = names(d, ['tissue'], new Map([['tissue', 'R']]));
    expect(g.pairs[0]).toBe('B : PBMC : diseased - B : R : diseased');
    expect(() => pairwiseContrasts(d, ['tissue'], new Map([['tissue', 'gut']]))).toThrow(/'gut' is not a value of 'tissue'/);
  });

  it('with three values, every pair, the reference subtracted and the later value minus the earlier', () => {
    const three = [['a', 'PBMC'], ['b', 'R'], ['c', 'S']];
    const d = design(['g', 'tissue'], three, 'g');
    expect(names(d, ['tissue'])[0].pairs).toEqual(['b - a', 'c - a', 'c - b']);
  });

  it('a --by column that varies within a level is a clear error', () => {
    const d = design(header, rows, 'group');
    try {
      pairwiseContrasts(d, ['tissue', 'patient']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GlimmerError);
      expect((e as GlimmerError).diagnostics[0]).toMatchObject({
        code: 'E431', message: "'patient' is not constant within the levels of 'group': level 'T : R : healthy' has rows with 'p1' and 'p2'",
      });
    }
  });

  it('levels without rows are not compared', () => {
    const some = rows.filter((r) => r[2] !== 'T : R : diseased');
    const all = [...new Set(rows.map((r) => r[2]))].sort();
    const d = design(header, some, 'group', all);
    const pairs = names(d, ['tissue', 'disease']).flatMap((g) => g.pairs);
    expect(pairs).toHaveLength(6);
    expect(pairs.some((p) => p.includes('T : R : diseased'))).toBe(false);
  });
});
