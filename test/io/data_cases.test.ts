import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/api/compile.js';
import { GlimmerError } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { loadModel } from '../../src/io/load_model.js';

/**
 * Issue 8's data cases, each the way a user meets it: a model file and its data file on disk, loaded
 * as `ppl check` loads them. Every case ends in the error users see (pinned: code, file, column, row,
 * line, hint) or is read correctly (the values checked).
 */

const dir = mkdtempSync(join(tmpdir(), 'glimmer-data-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = `data "cells.csv" {
  y: count
  exposure: positive
  group: factor
}

parameters {
  b[group] ~ Normal(0, 1)
}

model {
  y ~ Poisson(log_rate = b[group] + log(exposure))
}
`;

let cases = 0;

/** Writes the model and its data into a fresh folder and loads them, as `ppl check` would. */
function load(data: string | Uint8Array, model = MODEL, dataName = 'cells.csv', folder = join(dir, `case${cases++}`)): { model: Model } {
  mkdirSync(folder);
  writeFileSync(join(folder, 'm.glmm'), model);
  writeFileSync(join(folder, dataName), data);
  return { model: loadModel(join(folder, 'm.glmm')) };
}

/** The diagnostics loading throws, rendered as `ppl` prints them, with the case's folder shown as <dir>. */
function errors(data: string | Uint8Array, model = MODEL, dataName = 'cells.csv'): string {
  const folder = join(dir, `case${cases++}`);
  try {
    load(data, model, dataName, folder);
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    const sources = new Map([[join(folder, 'm.glmm'), model]]);
    return e.diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n\n').replaceAll(folder, '<dir>');
  }
  throw new Error('expected a GlimmerError');
}

const numeric = (m: Model, column: string): number[] => [...m.rowwiseIr.data.numeric.get(column)!];
const factorValues = (m: Model, column: string): string[] => {
  const f = m.rowwiseIr.data.factors.get(column)!;
  return [...f.codes].map((c) => f.levels[c]);
};

describe('data files: a clear error naming file, column and row, or a correct reading', () => {
  it('a missing column: E301 at its declaration, listing the columns the file has', () => {
    expect(errors('y,group\n1,a\n')).toBe(`error[E301]: column 'exposure' is not in <dir>/cells.csv
  --> <dir>/m.glmm:3:3
  |
3 |   exposure: positive
  |   ^^^^^^^^
hint: <dir>/cells.csv has the columns: y, group`);
  });

  it('extra columns are ignored', () => {
    const { model } = load('id,y,exposure,group,notes\n1,3,2.5,a,x\n2,0,1,b,"y, z"\n');
    expect(model.nRows).toBe(2);
    expect(numeric(model, 'y')).toEqual([3, 0]);
    expect(numeric(model, 'exposure')).toEqual([2.5, 1]);
    expect([...model.rowwiseIr.data.numeric.keys()]).not.toContain('id');
  });

  it('a header only: E303', () => {
    expect(errors('y,exposure,group\n')).toBe('error[E303]: <dir>/cells.csv has a header but no data rows\n  --> <dir>/cells.csv');
  });

  it('an empty file (or only blank lines): E303', () => {
    const expected = 'error[E303]: <dir>/cells.csv is empty: a header row naming the columns is required\n  --> <dir>/cells.csv';
    expect(errors('')).toBe(expected);
    expect(errors('\n\r\n\n')).toBe(expected);
  });

  it('quoted fields with commas, doubled quotes and line breaks are one field each', () => {
    const { model } = load('y,exposure,group\n1,2,"a, b"\n2,1,"two\nlines"\n3,1,"say ""hi"""\n4,"1.5",plain\n');
    expect(model.nRows).toBe(4);
    expect(factorValues(model, 'group')).toEqual(['a, b', 'two\nlines', 'say "hi"', 'plain']);
    expect(numeric(model, 'exposure')).toEqual([2, 1, 1, 1.5]);
  });

  it('a UTF-8 byte-order mark is dropped, so the first column is found', () => {
    const { model } = load('\ufeffy,exposure,group\n5,2,a\n');
    expect(numeric(model, 'y')).toEqual([5]);
  });

  it('CRLF line ends leave no carriage return in the values', () => {
    const { model } = load('y,exposure,group\r\n1,2,a\r\n2,1,b\r\n');
    expect(factorValues(model, 'group')).toEqual(['a', 'b']);
    expect(numeric(model, 'y')).toEqual([1, 2]);
  });

  it('NaN, Inf and empty cells: E302 naming column, row and line', () => {
    expect(errors('y,exposure,group\n1,NaN,a\n2,Inf,b\n,1,c\n3,1,\n')).toBe(`error[E302]: column 'y' row 3 (line 4 of <dir>/cells.csv): empty value
  --> <dir>/cells.csv

error[E302]: column 'exposure' row 1 (line 2 of <dir>/cells.csv): 'NaN' is not a number
  --> <dir>/cells.csv

error[E302]: column 'exposure' row 2 (line 3 of <dir>/cells.csv): 'Inf' is not finite
  --> <dir>/cells.csv

error[E302]: column 'group' row 4 (line 5 of <dir>/cells.csv): empty value
  --> <dir>/cells.csv`);
  });

  it('negative and fractional counts, and a zero where positive is declared: E302', () => {
    expect(errors('y,exposure,group\n-1,1,a\n2.5,1,b\n1,0,c\n')).toBe(`error[E302]: column 'y' row 1 (line 2 of <dir>/cells.csv): -1 is not a count (a non-negative integer)
  --> <dir>/cells.csv

error[E302]: column 'y' row 2 (line 3 of <dir>/cells.csv): 2.5 is not a count (a non-negative integer)
  --> <dir>/cells.csv

error[E302]: column 'exposure' row 3 (line 4 of <dir>/cells.csv): 0 is not positive
  --> <dir>/cells.csv`);
  });

  it("fractional trials of a formula's binomial, declared real: E310 naming the trials column, its row and line", () => {
    const model = 'data "cells.csv" { y: count  n: real }\nmodel { y ~ binomial(trials = n, 1) }\n';
    expect(errors('y,n\n1,3\n\n1,2.5\n', model)).toBe(`error[E310]: column 'n' row 2 (line 4 of <dir>/cells.csv): 2.5 trials is not a count (a non-negative integer)
  --> <dir>/m.glmm:2:13
  |
2 | model { y ~ binomial(trials = n, 1) }
  |             ^^^^^^^^^^^^^^^^^^^^^^^`);
  });

  it('a factor with one level is read: a vector parameter of one element', () => {
    const { model } = load('y,exposure,group\n1,1,only\n2,3,only\n');
    expect(model.params).toEqual([{ name: 'b', size: 1, constraint: 'real', factor: 'group' }]);
    expect(model.rowwiseIr.data.factors.get('group')?.levels).toEqual(['only']);
  });

  it("a level named in the generated block that the data lacks: E206 at the label", () => {
    const model = `${MODEL}\ngenerated {\n  d = b["treated"] - b["control"]\n}\n`;
    expect(errors('y,exposure,group\n1,1,control\n2,1,placebo\n', model)).toBe(`error[E206]: 'treated' is not a level of 'group'
  --> <dir>/m.glmm:16:9
   |
16 |   d = b["treated"] - b["control"]
   |         ^^^^^^^^^
hint: levels: "control", "placebo"`);
  });

  it('a truncated gzip file: E401 at the data path in the model', () => {
    const truncated = gzipSync('y,exposure,group\n' + '1,1,a\n'.repeat(1000)).subarray(0, 40);
    expect(errors(truncated)).toBe(`error[E401]: cannot read data file '<dir>/cells.csv': it starts like gzip data but does not decompress
  --> <dir>/m.glmm:1:6
  |
1 | data "cells.csv" {
  |      ^^^^^^^^^^^
hint: the file may be truncated: copy or download it again`);
  });

  it('a file separated by semicolons: E301 says so', () => {
    expect(errors('y;exposure;group\n1;1;a\n').split('\n\n')[0]).toBe(`error[E301]: column 'y' is not in <dir>/cells.csv
  --> <dir>/m.glmm:2:3
  |
2 |   y: count
  |   ^
hint: <dir>/cells.csv seems to separate its fields with ';': Glimmer reads comma-separated values`);
  });

  it('a header name with spaces around it: E301 points at the spaces', () => {
    expect(errors('y, exposure,group\n1,1,a\n')).toBe(`error[E301]: column 'exposure' is not in <dir>/cells.csv
  --> <dir>/m.glmm:3:3
  |
3 |   exposure: positive
  |   ^^^^^^^^
hint: the header has ' exposure', with spaces: remove them from the header`);
  });

  it('a row with too few fields: E303 naming row and line', () => {
    expect(errors('y,exposure,group\n1,1,a\n2,1\n')).toBe('error[E303]: row 2 (line 3 of <dir>/cells.csv) has 2 fields, but the header has 3\n  --> <dir>/cells.csv');
  });

  it('a file of 10^6 rows is read correctly (gzipped, reduced to its 10 cells)', async () => {
    const n = 1_000_000;
    const lines = ['y,exposure,group'];
    const sumY = new Float64Array(10);
    const sumExposure = new Float64Array(10);
    for (let i = 0; i < n; i++) {
      const [y, exposure, g] = [i % 7, 1 + (i % 3), i % 10];
      lines.push(`${y},${exposure},g${g}`);
      sumY[g] += y;
      sumExposure[g] += exposure;
    }
    const { model } = load(gzipSync(lines.join('\n') + '\n', { level: 1 }), MODEL.replace('cells.csv', 'cells.csv.gz'), 'cells.csv.gz');
    expect(model.nRows).toBe(n);
    expect(model.rowwiseIr.data.factors.get('group')?.levels).toEqual(Array.from({ length: 10 }, (_, g) => `g${g}`));
    expect(model.reduction).toMatchObject({ path: 'reduced', rows: n, cells: 10 });
    // At b = 0 the Poisson log-rate gradient of group g is sum(y) - sum(exposure) over its rows; the
    // prior adds -b = 0. Exact sums, so any row lost, doubled or misread shows.
    const ld = await model.logDensity({ backend: 'js' });
    const { grad } = ld.valueAndGrad(new Float64Array(10));
    ld.dispose();
    for (let g = 0; g < 10; g++) expect(grad[g]).toBeCloseTo(sumY[g] - sumExposure[g], 6);
  });
});
