import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTable, type ColumnSpec, type FactorColumn, type NumericColumn } from '../../src/data/table.js';
import { readFixture } from '../fixtures/load.js';

const ZEB2_SCHEMA: ColumnSpec[] = [
  { name: 'ZEB2', type: 'count' },
  { name: 'total_count', type: 'positive' },
  { name: 'cell_group', type: 'factor' },
  { name: 'patient_assignment', type: 'factor' },
];

// Read without src/io, so that this test covers the data layer alone.
const text = gunzipSync(readFileSync(new URL('../../models/zeb2.csv.gz', import.meta.url))).toString('utf8');

describe('the ZEB2 table', () => {
  const table = parseTable(text, 'zeb2.csv.gz', ZEB2_SCHEMA);

  it('has 68,627 rows and the declared columns only', () => {
    expect(table.nRows).toBe(68_627);
    expect([...table.columns.keys()]).toEqual(['ZEB2', 'total_count', 'cell_group', 'patient_assignment']);
    for (const column of table.columns.values()) {
      expect(column.kind === 'numeric' ? column.values.length : column.codes.length).toBe(68_627);
    }
  });

  it("orders cell groups and patients as the reference log density's theta layout does", () => {
    const layout: string[] = JSON.parse(readFixture('zeb2/logdensity_points.json')).theta_layout;
    const inside = (prefix: string) => layout.filter((n) => n.startsWith(`${prefix}[`)).map((n) => n.slice(prefix.length + 1, -1));
    expect((table.columns.get('cell_group') as FactorColumn).levels).toEqual(inside('beta'));
    expect((table.columns.get('patient_assignment') as FactorColumn).levels).toEqual(inside('u'));
    expect(inside('beta')).toHaveLength(20);
    expect(inside('u')).toHaveLength(16);
  });

  it('has as many cells per group as it was simulated with', () => {
    const truth: { cells_per_group: Record<string, number> } = JSON.parse(readFixture('zeb2/truth.json'));
    const groups = table.columns.get('cell_group') as FactorColumn;
    const counts = new Map<string, number>();
    for (const code of groups.codes) counts.set(groups.levels[code], (counts.get(groups.levels[code]) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(truth.cells_per_group);
  });

  it('reads the first row as written in the file', () => {
    // 47122,C7,PBMC,healthy,T,2002.0,T : PBMC : healthy,0.0
    const groups = table.columns.get('cell_group') as FactorColumn;
    const patients = table.columns.get('patient_assignment') as FactorColumn;
    expect((table.columns.get('ZEB2') as NumericColumn).values[0]).toBe(0);
    expect((table.columns.get('total_count') as NumericColumn).values[0]).toBe(2002);
    expect(groups.levels[groups.codes[0]]).toBe('T : PBMC : healthy');
    expect(patients.levels[patients.codes[0]]).toBe('C7');
  });

  it('parses in well under a second', () => {
    parseTable(text, 'zeb2.csv.gz', ZEB2_SCHEMA); // warm up the JIT
    const start = performance.now();
    parseTable(text, 'zeb2.csv.gz', ZEB2_SCHEMA);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
