import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { GlimmerError, InferenceError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { ROOT } from '../helpers.js';

/**
 * The data side of the fuzz: one cell of a small model's data replaced by an extreme or special value
 * (magnitudes a double barely holds, counts past 2^53, subnormals, spellings of missing and infinite),
 * then the whole path a user runs: read, check, compile, fit (the default engine and --ml). Every mutant
 * must end as a fit with finite estimates, a GlimmerError that names the data file (and so the column
 * and row), or an InferenceError with its code: never another exception.
 */
const EXTREMES = ['1e300', '-1e300', '1e151', '-2e150', '1e150', '1e20', '9007199254740993', '1e308', '1e-300', '4.9e-324', '-1e-300',
  '0', '-0', '-1', '1e6', '-1e6', '123456789012', 'NaN', 'Infinity', '-Inf', 'NA', '', ' ', '1e', '0x10', '2.5'];
const SEEDS = ['models/eight_schools.glmm', 'test/battery/cbpp/model.glmm', 'test/battery/separation/model.glmm', 'test/battery/unscaled_covariate/model.glmm'];
const COUNT = 800;

function mutant(k: number): { file: string; value: string; row: number; col: number; source: string; data: string } {
  const rng = createRng(`data-fuzz/${k}`);
  const file = SEEDS[k % SEEDS.length];
  const source = readFileSync(`${ROOT}${file}`, 'utf8');
  const dataFile = /data "([^"]+)"/.exec(source)![1];
  const lines = readFileSync(`${ROOT}${file.replace(/[^/]+$/, '')}${dataFile}`, 'utf8').trim().split('\n');
  const row = 1 + Math.floor(rng.uniform() * (lines.length - 1));
  const cells = lines[row].split(',');
  const col = Math.floor(rng.uniform() * cells.length);
  const value = EXTREMES[Math.floor(rng.uniform() * EXTREMES.length)];
  cells[col] = value;
  lines[row] = cells.join(',');
  return { file, value, row, col, source, data: lines.join('\n') + '\n' };
}

describe('data fuzzing: extreme and special values in any cell', () => {
  it(`${COUNT} mutants, each a finite fit, a data error naming the file, or an inference error with its code`, async () => {
    const crashes: string[] = [];
    const seen = { fit: 0, data: 0, inference: 0 };
    for (let k = 0; k < COUNT; k++) {
      const m = mutant(k);
      for (const ml of [false, true]) {
        try {
          const model = compile(m.source, { fileName: m.file, data: { text: m.data, file: 'data.csv' }, ml });
          const fit = await inferFit(model, { engine: 'laplace', seed: 1, draws: 200 });
          if (!fit.summary.every((r) => Number.isFinite(r.mean))) crashes.push(`${m.file} row ${m.row} col ${m.col} = '${m.value}'${ml ? ' --ml' : ''}: a non-finite estimate with no error`);
          seen.fit++;
        } catch (e) {
          if (e instanceof GlimmerError && e.diagnostics.every((d) => d.span !== undefined || d.file === 'data.csv')) seen.data++;
          else if (e instanceof InferenceError && /^E5\d\d$/.test(e.code)) seen.inference++;
          else crashes.push(`${m.file} row ${m.row} col ${m.col} = '${m.value}'${ml ? ' --ml' : ''}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
    }
    expect(crashes).toEqual([]);
    expect(seen.fit).toBeGreaterThan(COUNT / 4);
    expect(seen.data).toBeGreaterThan(COUNT / 4);
  }, 300_000);
});
