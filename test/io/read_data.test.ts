import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import type { FactorColumn } from '../../src/data/table.js';
import { readDataTable, readTextFile, resolveDataPath } from '../../src/io/read_data.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-read-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The one diagnostic `run` throws, rendered as users see it. */
function renderedError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    expect(e.diagnostics).toHaveLength(1);
    return renderDiagnostic(e.diagnostics[0]);
  }
  throw new Error('expected a GlimmerError');
}

describe('readTextFile', () => {
  it('reads plain UTF-8 and drops a BOM', () => {
    const path = join(dir, 'plain.csv');
    writeFileSync(path, '\ufeffg\nZürich\n');
    expect(readTextFile(path)).toBe('g\nZürich\n');
  });

  it('gunzips by content, whatever the name', () => {
    const path = join(dir, 'looks_plain.csv');
    writeFileSync(path, gzipSync('a,b\n1,2\n'));
    expect(readTextFile(path)).toBe('a,b\n1,2\n');
  });

  it('E401: a missing file, with no stack trace in the message', () => {
    const path = join(dir, 'zeb3.csv.gz');
    expect(renderedError(() => readTextFile(path))).toBe(
      `error[E401]: cannot read data file '${path}': no such file\n` + "hint: a data path in a model is relative to the model file's folder",
    );
  });

  it('E401: a folder, a truncated gzip file, and text that is not UTF-8', () => {
    expect(renderedError(() => readTextFile(dir))).toBe(`error[E401]: cannot read data file '${dir}': it is a folder, not a file`);
    const truncated = join(dir, 'truncated.csv.gz');
    writeFileSync(truncated, gzipSync('a,b\n'.repeat(1000)).subarray(0, 30));
    expect(renderedError(() => readTextFile(truncated))).toBe(
      `error[E401]: cannot read data file '${truncated}': it starts like gzip data but does not decompress\n` +
        'hint: the file may be truncated: copy or download it again',
    );
    const latin1 = join(dir, 'latin1.csv');
    writeFileSync(latin1, Buffer.from('g\nZ\xfcrich\n', 'latin1'));
    expect(renderedError(() => readTextFile(latin1))).toBe(
      `error[E401]: cannot read data file '${latin1}': it is not UTF-8 text\nhint: save it as CSV with UTF-8 encoding`,
    );
  });

  it('E401 points at the model when given a span', () => {
    const span = { file: 'm.glmm', line: 1, col: 6, length: 12 };
    const sources = new Map([['m.glmm', 'data "missing.csv" {']]);
    try {
      readTextFile(join(dir, 'missing.csv'), span);
    } catch (e) {
      expect(renderDiagnostic((e as GlimmerError).diagnostics[0], sources).split('\n').slice(1, 5)).toEqual([
        '  --> m.glmm:1:6',
        '  |',
        '1 | data "missing.csv" {',
        '  |      ^^^^^^^^^^^^',
      ]);
      return;
    }
    throw new Error('expected a GlimmerError');
  });
});

describe('resolveDataPath', () => {
  it("resolves relative to the model file's folder, subfolders included", () => {
    expect(resolveDataPath('models/zeb2.glmm', 'zeb2.csv.gz')).toBe(join('models', 'zeb2.csv.gz'));
    expect(resolveDataPath('zeb2.glmm', 'data/zeb2.csv')).toBe(join('data', 'zeb2.csv'));
    expect(resolveDataPath('/a/b/m.glmm', 'data/../d.csv')).toBe('/a/b/d.csv');
    expect(resolveDataPath('/a/b/m.glmm', '..d.csv')).toBe('/a/b/..d.csv');
  });

  it("E404: a path that leaves the model file's folder, relative or absolute", () => {
    for (const path of ['../d.csv', '../../etc/passwd', 'data/../../d.csv', '/etc/passwd', '/a/b/d.csv']) {
      expect(() => resolveDataPath('/a/b/m.glmm', path)).toThrow(`E404: data file '${path}' is outside the model file's folder`);
    }
    expect(renderedError(() => resolveDataPath('models/zeb2.glmm', '../../etc/passwd'))).toBe(
      "error[E404]: data file '../../etc/passwd' is outside the model file's folder\n  --> models/zeb2.glmm\n" +
        "hint: a model names its data relative to its own folder; to read this file, pass it on the command line (--data ../etc/passwd) or allow the path the model names (--allow-path)",
    );
  });

  it('allowOutside (the CLI\'s --allow-path): the same paths, resolved and not refused', () => {
    expect(resolveDataPath('/a/b/m.glmm', '../d.csv', undefined, true)).toBe('/a/d.csv');
    expect(resolveDataPath('/a/b/m.glmm', 'data/../../d.csv', undefined, true)).toBe('/a/d.csv');
    expect(resolveDataPath('/a/b/m.glmm', '/etc/passwd', undefined, true)).toBe('/etc/passwd');
    expect(resolveDataPath('models/zeb2.glmm', 'zeb2.csv.gz', undefined, true)).toBe(join('models', 'zeb2.csv.gz'));
  });
});

describe('readDataTable', () => {
  it('reads models/zeb2.csv.gz', () => {
    const path = resolveDataPath(new URL('../../models/zeb2.glmm', import.meta.url).pathname, 'zeb2.csv.gz');
    const table = readDataTable(path, [{ name: 'patient_assignment', type: 'factor' }]);
    expect(table.nRows).toBe(68_627);
    expect((table.columns.get('patient_assignment') as FactorColumn).levels).toHaveLength(16);
  });

  it('E401 for a missing gz file', () => {
    const path = resolveDataPath(new URL('../../models/zeb2.glmm', import.meta.url).pathname, 'zeb3.csv.gz');
    expect(renderedError(() => readDataTable(path, [])).split('\n')[0]).toBe(`error[E401]: cannot read data file '${path}': no such file`);
  });
});
