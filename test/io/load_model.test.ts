import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { chosenDataPath, loadModel, readModelSource } from '../../src/io/load_model.js';

// <dir>/outside.csv is a file the model must not reach; <dir>/project/ holds the model.
const dir = mkdtempSync(join(tmpdir(), 'glimmer-load-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const project = join(dir, 'project');
mkdirSync(join(project, 'data'), { recursive: true });
const CSV = 'y\n1.5\n2.5\n';
writeFileSync(join(dir, 'outside.csv'), CSV);
writeFileSync(join(project, 'data', 'inside.csv'), CSV);

const modelNaming = (path: string): string => `data "${path}" { y: real }\nparameters { m ~ Normal(0, 1) }\nmodel { y ~ Normal(m, 1) }\n`;

/** Writes a model naming `dataPath` into the project folder; returns its path. */
function writeModel(dataPath: string): string {
  const path = join(project, 'm.glmm');
  writeFileSync(path, modelNaming(dataPath));
  return path;
}

/** Every diagnostic `run` throws, rendered with the model's text, the temporary folder shown as <dir>. */
function rendered(run: () => unknown, modelText?: string): string {
  try {
    run();
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    const sources = new Map(modelText === undefined ? [] : [[join(project, 'm.glmm'), modelText]]);
    return e.diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n\n').replaceAll(dir, '<dir>');
  }
  throw new Error('expected a GlimmerError');
}

describe("data paths in a model stay in the model file's folder", () => {
  it('reads a file in a subfolder', () => {
    expect(loadModel(writeModel('data/inside.csv')).nRows).toBe(2);
  });

  it("E404 for '../', at the path in the model, with the --data way out", () => {
    const model = writeModel('../outside.csv');
    expect(rendered(() => loadModel(model), modelNaming('../outside.csv'))).toBe(`error[E404]: data file '../outside.csv' is outside the model file's folder
  --> <dir>/project/m.glmm:1:6
  |
1 | data "../outside.csv" { y: real }
  |      ^^^^^^^^^^^^^^^^
hint: a model names its data relative to its own folder; to read this file, pass it on the command line (--data <dir>/outside.csv) or allow the path the model names (--allow-path)`);
  });

  it('E404 for absolute paths and for climbing out through a subfolder', () => {
    for (const path of [join(dir, 'outside.csv'), 'data/../../outside.csv', '../../../../../../etc/passwd', '/etc/passwd']) {
      expect(rendered(() => loadModel(writeModel(path))).split('\n')[0]).toBe(`error[E404]: data file '${path.replaceAll(dir, '<dir>')}' is outside the model file's folder`);
    }
  });

  it("--allow-path: chosenDataPath resolves the model's own path outside its folder; --data still wins", () => {
    const model = writeModel('../outside.csv');
    expect(chosenDataPath(model, undefined, true)).toBe(join(dir, 'outside.csv'));
    expect([...loadModel(model, { dataPath: chosenDataPath(model, undefined, true) }).rowwiseIr.data.numeric.get('y')!]).toEqual([1.5, 2.5]);
    expect(chosenDataPath(model, 'other.csv', true)).toBe('other.csv');
    expect(chosenDataPath(model, undefined, false)).toBeUndefined();
    const missing = writeModel('../absent.csv');
    expect(rendered(() => chosenDataPath(missing, undefined, true), modelNaming('../absent.csv')).split('\n').slice(0, 2)).toEqual([
      "error[E401]: cannot read data file '<dir>/absent.csv': no such file", '  --> <dir>/project/m.glmm:1:6']);
  });

  it('reads a file anywhere when the user passes it on the command line (--data)', () => {
    const model = loadModel(writeModel('../outside.csv'), { dataPath: join(dir, 'outside.csv') });
    expect([...model.rowwiseIr.data.numeric.get('y')!]).toEqual([1.5, 2.5]);
  });
});

describe('readModelSource', () => {
  it('E401: a missing file, a folder, gzip data and bytes that are not UTF-8, without a stack trace', () => {
    const gz = join(dir, 'data.csv.gz');
    writeFileSync(gz, gzipSync(CSV));
    const latin1 = join(dir, 'latin1.glmm');
    writeFileSync(latin1, Buffer.from('// Z\xfcrich\nmodel { }\n', 'latin1'));
    const hint = 'hint: a model file is text (.glmm); a data file goes in the data block or --data';
    expect(rendered(() => readModelSource(join(dir, 'none.glmm')))).toBe("error[E401]: cannot read model file '<dir>/none.glmm': no such file");
    expect(rendered(() => readModelSource(project))).toBe("error[E401]: cannot read model file '<dir>/project': it is a folder, not a file");
    expect(rendered(() => readModelSource(gz))).toBe(`error[E401]: cannot read model file '<dir>/data.csv.gz': it is gzip data, not a model\n${hint}`);
    expect(rendered(() => readModelSource(latin1))).toBe(`error[E401]: cannot read model file '<dir>/latin1.glmm': it is not UTF-8 text\n${hint}`);
  });

  it('reads UTF-8 and drops a byte-order mark', () => {
    const path = join(dir, 'bom.glmm');
    writeFileSync(path, '\ufeff// σ\nmodel { }\n');
    expect(readModelSource(path)).toBe('// σ\nmodel { }\n');
  });
});
