import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { main } from '../../src/cli/main.js';
import { stagingName, writeOutputs } from '../../src/cli/output.js';
import { ROOT } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'glimmer-output-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

/** A results folder from an earlier run: summary.csv and draws.csv, no run.json. */
function earlierRun(): string {
  const dir = join(root, `out-${folders++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'summary.csv'), 'old summary\n');
  writeFileSync(join(dir, 'draws.csv'), 'old draws\n');
  return dir;
}

const NEW = { 'summary.csv': 'new summary\n', 'draws.csv': 'new draws\n', 'run.json': '{}\n' };

function expectError(f: () => void): GlimmerError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GlimmerError);
    return e as GlimmerError;
  }
  throw new Error('expected an error');
}

describe('writeOutputs', () => {
  it('replaces every file and leaves nothing else behind', () => {
    const dir = earlierRun();
    writeOutputs(dir, NEW);
    expect(readdirSync(dir).sort()).toEqual(['draws.csv', 'run.json', 'summary.csv']);
    expect(readFileSync(join(dir, 'draws.csv'), 'utf8')).toBe('new draws\n');
  });

  it('a failure while writing leaves the old files as they were and no partial file', () => {
    const dir = earlierRun();
    // draws.csv cannot be staged: a folder occupies its temporary name, after summary.csv was written.
    mkdirSync(stagingName(dir, 'draws.csv'));
    const e = expectError(() => writeOutputs(dir, NEW));
    expect(e.diagnostics[0].code).toBe('E405');
    expect(e.diagnostics[0].message).toBe(`cannot write the results to ${dir}: EISDIR`);
    rmSync(stagingName(dir, 'draws.csv'), { recursive: true });
    expect(readdirSync(dir).sort()).toEqual(['draws.csv', 'summary.csv']);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe('old summary\n');
    expect(readFileSync(join(dir, 'draws.csv'), 'utf8')).toBe('old draws\n');
  });

  it('a failure while renaming puts back the files already replaced: never a half-replaced folder', () => {
    const dir = earlierRun();
    // summary.csv is renamed into place first; draws.csv cannot be, since a folder holds its name.
    rmSync(join(dir, 'draws.csv'));
    mkdirSync(join(dir, 'draws.csv'));
    expect(() => writeOutputs(dir, NEW)).toThrow(GlimmerError);
    expect(readdirSync(dir).sort()).toEqual(['draws.csv', 'summary.csv']);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe('old summary\n');
    expect(readdirSync(join(dir, 'draws.csv'))).toEqual([]);
  });

  it('a new folder that cannot be completed is left with none of the new files', () => {
    const dir = join(root, `out-${folders++}`);
    mkdirSync(dir);
    mkdirSync(join(dir, 'run.json'));
    expect(() => writeOutputs(dir, NEW)).toThrow(GlimmerError);
    expect(readdirSync(dir)).toEqual(['run.json']);
  });
});

describe('ppl infer --out', () => {
  it('reports a folder it cannot write as the user\'s problem (exit 2), leaving the earlier results whole', async () => {
    const dir = join(root, 'model');
    mkdirSync(dir);
    copyFileSync(`${ROOT}models/eight_schools_nc.glmm`, join(dir, 'model.glmm'));
    copyFileSync(`${ROOT}models/eight_schools.csv`, join(dir, 'eight_schools.csv'));
    const out = earlierRun();
    rmSync(join(out, 'draws.csv'));
    mkdirSync(join(out, 'draws.csv'));
    const err: string[] = [];
    const code = await main(['infer', join(dir, 'model.glmm'), '--draws', '100', '--out', out], { out: () => {}, err: (s) => err.push(s) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain(`error[E405]: cannot write the results to ${out}: `);
    expect(readdirSync(out).sort()).toEqual(['draws.csv', 'summary.csv']);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe('old summary\n');
  });
});
