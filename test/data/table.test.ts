import { describe, expect, it } from 'vitest';
import { GlimmerError, type Span } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { COLUMN_TYPES, parseTable, type ColumnSpec, type FactorColumn, type NumericColumn } from '../../src/data/table.js';

/** Every diagnostic `run` throws, rendered as users see it (`sources` lets spans show their line). */
function rendered(run: () => unknown, sources: ReadonlyMap<string, string> = new Map()): string[] {
  try {
    run();
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    return e.diagnostics.map((d) => renderDiagnostic(d, sources));
  }
  throw new Error('expected a GlimmerError');
}

const numeric = (table: ReturnType<typeof parseTable>, name: string) => [...(table.columns.get(name) as NumericColumn).values];
const factor = (table: ReturnType<typeof parseTable>, name: string) => table.columns.get(name) as FactorColumn;

describe('parseTable: reading', () => {
  it('reads declared columns, ignores the rest, and keeps declaration order', () => {
    const table = parseTable('id,y,g,x\n1,3,a,0.5\n2,0,b,-1\n', 't.csv', [
      { name: 'x', type: 'real' },
      { name: 'y', type: 'count' },
      { name: 'g', type: 'factor' },
    ]);
    expect(table.file).toBe('t.csv');
    expect(table.nRows).toBe(2);
    expect([...table.columns.keys()]).toEqual(['x', 'y', 'g']);
    expect(numeric(table, 'x')).toEqual([0.5, -1]);
    expect(table.columns.get('y')).toMatchObject({ kind: 'numeric', name: 'y', type: 'count' });
    expect(numeric(table, 'y')).toEqual([3, 0]);
    expect(factor(table, 'g')).toMatchObject({ kind: 'factor', levels: ['a', 'b'] });
    expect([...factor(table, 'g').codes]).toEqual([0, 1]);
  });

  it('strips a BOM, handles CRLF, quoted commas, doubled quotes and line breaks in quotes, and trims nothing', () => {
    const text = '\ufeff"g","y"\r\n"a, b",1\r\n" a ""x""",2\r\n"two\r\nlines",3\r\n';
    const table = parseTable(text, 't.csv', [{ name: 'g', type: 'factor' }, { name: 'y', type: 'int' }]);
    expect(table.nRows).toBe(3);
    const g = factor(table, 'g');
    expect(g.levels).toEqual([' a "x"', 'a, b', 'two\r\nlines']);
    expect([...g.codes].map((c) => g.levels[c])).toEqual(['a, b', ' a "x"', 'two\r\nlines']);
    expect(numeric(table, 'y')).toEqual([1, 2, 3]);
  });

  it('skips blank lines, and reads a last line without a newline', () => {
    const table = parseTable('y\n1\n\n2\n\r\n3', 't.csv', [{ name: 'y', type: 'real' }]);
    expect(numeric(table, 'y')).toEqual([1, 2, 3]);
  });

  it('reads numbers strictly but with Number() syntax', () => {
    const table = parseTable('x\n1e3\n-2.5\n.5\n+4\n 7 \n', 't.csv', [{ name: 'x', type: 'real' }]);
    expect(numeric(table, 'x')).toEqual([1000, -2.5, 0.5, 4, 7]);
  });

  it('reads each numeric type', () => {
    const text = 'c,i,p,b\n0,-3,0.1,1\n12.0,4,2e-3,0\n1e3,0,5,TRUE\n7,1,1,false\n';
    const table = parseTable(text, 't.csv', [
      { name: 'c', type: 'count' }, { name: 'i', type: 'int' }, { name: 'p', type: 'positive' }, { name: 'b', type: 'binary' },
    ]);
    expect(numeric(table, 'c')).toEqual([0, 12, 1000, 7]);
    expect(numeric(table, 'i')).toEqual([-3, 4, 0, 1]);
    expect(numeric(table, 'p')).toEqual([0.1, 0.002, 5, 1]);
    expect(numeric(table, 'b')).toEqual([1, 0, 1, 0]);
  });

  it('codes factor levels in R order, not in order of appearance', () => {
    const table = parseTable('g\nC2\nC10\nc1\nB\nC2\n', 't.csv', [{ name: 'g', type: 'factor' }]);
    const g = factor(table, 'g');
    expect(g.levels).toEqual(['B', 'c1', 'C10', 'C2']);
    expect([...g.codes]).toEqual([3, 2, 1, 0, 3]);
  });

  it('lists the column types a model may declare', () => {
    expect(COLUMN_TYPES).toEqual(['count', 'int', 'real', 'positive', 'binary', 'factor']);
  });
});

describe('parseTable: errors, as users see them', () => {
  const model = 'data "zeb2.csv.gz" {\n  ZEB3: count\n  totl: positive\n}\n';
  const sources = new Map([['zeb2.glmm', model]]);
  const span = (line: number, length: number): Span => ({ file: 'zeb2.glmm', line, col: 3, length });

  it('E301: a declared column missing from the header, with a suggestion', () => {
    const specs: ColumnSpec[] = [{ name: 'ZEB3', type: 'count', span: span(2, 4) }];
    expect(rendered(() => parseTable('ZEB2,total_count\n1,2\n', 'zeb2.csv.gz', specs), sources)).toEqual([
      [
        "error[E301]: column 'ZEB3' is not in zeb2.csv.gz",
        '  --> zeb2.glmm:2:3',
        '  |',
        '2 |   ZEB3: count',
        '  |   ^^^^',
        "hint: did you mean 'ZEB2'?",
      ].join('\n'),
    ]);
  });

  it('E301: suggests across case, and otherwise lists the columns', () => {
    const specs: ColumnSpec[] = [{ name: 'zeb2', type: 'count' }, { name: 'totl', type: 'positive', span: span(3, 4) }];
    expect(rendered(() => parseTable('ZEB2,total_count,cell_group\n1,2,a\n', 'zeb2.csv.gz', specs), sources)).toEqual([
      ["error[E301]: column 'zeb2' is not in zeb2.csv.gz", '  --> zeb2.csv.gz', "hint: did you mean 'ZEB2'?"].join('\n'),
      [
        "error[E301]: column 'totl' is not in zeb2.csv.gz",
        '  --> zeb2.glmm:3:3',
        '  |',
        '3 |   totl: positive',
        '  |   ^^^^',
        'hint: zeb2.csv.gz has the columns: ZEB2, total_count, cell_group',
      ].join('\n'),
    ]);
  });

  it('E302: empty, NA, NaN and Inf in numeric columns, naming column, row and line', () => {
    const text = 'total_count,x\n1,1\n,2\nNA,3\n4,NaN\n5,Inf\n6,-Inf\n7,1e400\n8,abc\n';
    const specs: ColumnSpec[] = [{ name: 'total_count', type: 'positive' }, { name: 'x', type: 'real' }];
    expect(rendered(() => parseTable(text, 'zeb2.csv', specs))).toEqual([
      "error[E302]: column 'total_count' row 2 (line 3 of zeb2.csv): empty value\n  --> zeb2.csv",
      "error[E302]: column 'total_count' row 3 (line 4 of zeb2.csv): missing value 'NA'\n  --> zeb2.csv",
      "error[E302]: column 'x' row 4 (line 5 of zeb2.csv): 'NaN' is not a number\n  --> zeb2.csv",
      "error[E302]: column 'x' row 5 (line 6 of zeb2.csv): 'Inf' is not finite\n  --> zeb2.csv",
      "error[E302]: column 'x' row 6 (line 7 of zeb2.csv): '-Inf' is not finite\n  --> zeb2.csv",
      "error[E302]: column 'x' row 7 (line 8 of zeb2.csv): '1e400' is not finite\n  --> zeb2.csv",
      "error[E302]: column 'x' row 8 (line 9 of zeb2.csv): 'abc' is not a number\n  --> zeb2.csv",
    ]);
  });

  it('E302: whitespace is an empty value, not 0', () => {
    expect(rendered(() => parseTable('x\n  \n', 't.csv', [{ name: 'x', type: 'real' }]))).toEqual([
      "error[E302]: column 'x' row 1 (line 2 of t.csv): empty value\n  --> t.csv",
    ]);
  });

  it('E302: each numeric type says what it needs', () => {
    const text = 'c,i,p,b\n-1,2.5,0,2\n2.5,1,-3,yes\n';
    const specs: ColumnSpec[] = [
      { name: 'c', type: 'count' }, { name: 'i', type: 'int' }, { name: 'p', type: 'positive' }, { name: 'b', type: 'binary' },
    ];
    expect(rendered(() => parseTable(text, 't.csv', specs)).map((r) => r.split('\n')[0])).toEqual([
      "error[E302]: column 'c' row 1 (line 2 of t.csv): -1 is not a count (a non-negative integer)",
      "error[E302]: column 'c' row 2 (line 3 of t.csv): 2.5 is not a count (a non-negative integer)",
      "error[E302]: column 'i' row 1 (line 2 of t.csv): 2.5 is not an integer",
      "error[E302]: column 'p' row 1 (line 2 of t.csv): 0 is not positive",
      "error[E302]: column 'p' row 2 (line 3 of t.csv): -3 is not positive",
      "error[E302]: column 'b' row 1 (line 2 of t.csv): 2 is not binary (0/1 or TRUE/FALSE)",
      "error[E302]: column 'b' row 2 (line 3 of t.csv): 'yes' is not binary (0/1 or TRUE/FALSE)",
    ]);
  });

  it('E302: magnitudes a fit cannot compute with, and counts a double cannot hold', () => {
    const text = 'x,c,i\n1e300,1e20,-1e17\n-2e150,3,1\n1e150,9007199254740991,2\n';
    const specs: ColumnSpec[] = [{ name: 'x', type: 'real' }, { name: 'c', type: 'count' }, { name: 'i', type: 'int' }];
    expect(rendered(() => parseTable(text, 't.csv', specs)).map((r) => r.split('\n')[0])).toEqual([
      "error[E302]: column 'x' row 1 (line 2 of t.csv): 1e300 is too large to compute with (beyond 1e150 its square overflows a double); rescale the column, e.g. to thousands or millions",
      "error[E302]: column 'x' row 2 (line 3 of t.csv): -2e150 is too large to compute with (beyond 1e150 its square overflows a double); rescale the column, e.g. to thousands or millions",
      "error[E302]: column 'c' row 1 (line 2 of t.csv): 1e20 is too large for a count (above 2^53 a double does not hold every whole number)",
      "error[E302]: column 'i' row 1 (line 2 of t.csv): -1e17 is too large for an integer (above 2^53 a double does not hold every whole number)",
    ]);
  });

  it('E302: empty and NA factor levels', () => {
    expect(rendered(() => parseTable('g,y\n,1\nNA,2\na,3\n', 't.csv', [{ name: 'g', type: 'factor' }]))).toEqual([
      "error[E302]: column 'g' row 1 (line 2 of t.csv): empty value\n  --> t.csv",
      "error[E302]: column 'g' row 2 (line 3 of t.csv): missing value 'NA'\n  --> t.csv",
    ]);
  });

  it('E302: line numbers count blank lines and line breaks inside quotes', () => {
    const text = 'g,y\r\n"a\r\nb",1\r\n\r\nc,-1\r\n';
    expect(rendered(() => parseTable(text, 't.csv', [{ name: 'y', type: 'count' }]))).toEqual([
      "error[E302]: column 'y' row 2 (line 5 of t.csv): -1 is not a count (a non-negative integer)\n  --> t.csv",
    ]);
  });

  it('E302: shows five problems per column, then how many more', () => {
    const text = 'y\n' + Array.from({ length: 12 }, () => 'NA').join('\n') + '\n';
    const messages = rendered(() => parseTable(text, 't.csv', [{ name: 'y', type: 'count' }])).map((r) => r.split('\n')[0]);
    expect(messages).toHaveLength(6);
    expect(messages[4]).toBe("error[E302]: column 'y' row 5 (line 6 of t.csv): missing value 'NA'");
    expect(messages[5]).toBe("error[E302]: column 'y': and 7 more bad values");
  });

  it('E303: a ragged row names its line, and its cells are not also reported', () => {
    const text = 'a,b,c\n1,2,3\n4,5\n6,7,8,9\n';
    expect(rendered(() => parseTable(text, 't.csv', [{ name: 'c', type: 'count' }]))).toEqual([
      'error[E303]: row 2 (line 3 of t.csv) has 2 fields, but the header has 3\n  --> t.csv',
      'error[E303]: row 3 (line 4 of t.csv) has 4 fields, but the header has 3\n  --> t.csv',
    ]);
  });

  it('E303: empty file, header only, unclosed quote, repeated column', () => {
    const y: ColumnSpec[] = [{ name: 'y', type: 'real' }];
    expect(rendered(() => parseTable('', 't.csv', y))).toEqual([
      'error[E303]: t.csv is empty: a header row naming the columns is required\n  --> t.csv',
    ]);
    expect(rendered(() => parseTable('y\n', 't.csv', y))).toEqual(['error[E303]: t.csv has a header but no data rows\n  --> t.csv']);
    expect(rendered(() => parseTable('y\n"1\n', 't.csv', y))).toEqual([
      [
        'error[E303]: malformed CSV in t.csv: Quote Not Closed: the parsing is finished with an opening quote at line 2',
        '  --> t.csv',
        'hint: quote a field that holds a comma, a quote or a line break, and double every quote inside it',
      ].join('\n'),
    ]);
    expect(rendered(() => parseTable('y,y\n1,2\n', 't.csv', y))).toEqual([
      "error[E303]: column 'y' appears 2 times in the header of t.csv\n  --> t.csv",
    ]);
  });

  it('reports every kind of problem in one error', () => {
    const text = 'ZEB2,g\n1,a\n-1\nx,\n';
    const specs: ColumnSpec[] = [{ name: 'ZEB2', type: 'count' }, { name: 'g', type: 'factor' }, { name: 'cell', type: 'factor' }];
    expect(rendered(() => parseTable(text, 't.csv', specs)).map((r) => r.split('\n')[0])).toEqual([
      "error[E301]: column 'cell' is not in t.csv",
      'error[E303]: row 2 (line 3 of t.csv) has 1 field, but the header has 2',
      "error[E302]: column 'ZEB2' row 3 (line 4 of t.csv): 'x' is not a number",
      "error[E302]: column 'g' row 3 (line 4 of t.csv): empty value",
    ]);
  });
});
