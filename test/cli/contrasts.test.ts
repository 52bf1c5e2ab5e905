import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run_cli.js';
import { writeMini } from './contrasts_ppc_data.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-contrasts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = writeMini(dir);

const run = runCli;

function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const CONTRAST = 'beta[T : R : diseased] - beta[T : R : healthy]';

describe('ppl infer --contrast', () => {
  const out = join(dir, 'infer');
  const r = run(['infer', model, '--contrast', CONTRAST, '--contrast', 'u[D1] - u[H1]', '--out', out]);

  it('prints the generated quantity and each contrast with P(>0) after the summary', async () => {
    const { code, out: text } = await r;
    expect(code).toBe(0);
    const table = text.slice(text.indexOf('contrasts and generated quantities'));
    expect(table).toMatch(/^contrasts and generated quantities \(P\(>0\): posterior probability of a positive value\):\nname +mean +sd +2\.5% +97\.5% +P\(>0\)\nd  /);
    expect(table).toContain(`\n${CONTRAST}  `);
    expect(table).toContain('\nu[D1] - u[H1]  ');
  });

  it('writes contrasts.csv: the contrast equals the generated quantity it restates', async () => {
    await r;
    const rows = readCsv(join(out, 'contrasts.csv'));
    expect(rows.map((x) => x.name)).toEqual(['d', CONTRAST, 'u[D1] - u[H1]']);
    expect(rows[1].mean).toBe(rows[0].mean);
    expect(rows[1].p_positive).toBe(rows[0].p_positive);
    expect(Number(rows[0].mean)).toBeGreaterThan(0.4); // the simulated effect is 0.9
    expect(Number(rows[0].p_positive)).toBeGreaterThan(0.95);
  });

  it('a misspelt level is a located error on the contrast text, before any fitting', async () => {
    const e = await run(['infer', model, '--engine', 'nuts', '--contrast', 'beta[T : R : diseasd] - beta[T : R : healthy]']);
    expect(e.code).toBe(2);
    expect(e.err).toBe([
      "error[E206]: 'T : R : diseasd' is not a level of 'group'",
      '  --> --contrast:1:6',
      '  |',
      '1 | beta[T : R : diseasd] - beta[T : R : healthy]',
      '  |      ^^^^^^^^^^^^^^^',
      'hint: did you mean "T : R : diseased"?',
    ].join('\n'));
    const two = await run(['infer', model, '--contrast', 'beta[B : R : healthy]', '--contrast', 'beta[B : R : healthy] -']);
    expect(two.err).toMatch(/^error\[E114\]: expected an expression after '-'\n {2}--> --contrast#2:1:24\n {2}\|\n1 \| beta\[B : R : healthy\] -\n/);
  });
});

describe('ppl contrasts --factor group --by tissue,disease', () => {
  const out = join(dir, 'pairs');
  const r = run(['contrasts', model, '--factor', 'group', '--by', 'tissue,disease', '--out', out]);

  it('takes partial column names, says which, and prints one table per --by column', async () => {
    const { code, out: text } = await r;
    expect(code).toBe(0);
    expect(text).toMatch(/^--by tissue: column 'tissue_assignment'\n--by disease: column 'disease_assignment'\n/);
    expect(text).toContain('\ntissue_assignment: R - PBMC (same disease_assignment, celltype)\nname ');
    expect(text).toContain('\ndisease_assignment: diseased - healthy (same tissue_assignment, celltype)\nname ');
    expect(text).toMatch(/\nbeta\[T : R : diseased\] - beta\[T : R : healthy\] +\d\.\d{3} +\d\.\d{3} /);
  });

  it('writes every pair that differs in one column, all else equal, to contrasts.csv', async () => {
    await r;
    const rows = readCsv(join(out, 'contrasts.csv'));
    expect(rows.map((x) => `${x.by}: ${x.level} - ${x.minus_level}`)).toEqual([
      'tissue_assignment: B : R : diseased - B : PBMC : diseased',
      'tissue_assignment: B : R : healthy - B : PBMC : healthy',
      'tissue_assignment: T : R : diseased - T : PBMC : diseased',
      'tissue_assignment: T : R : healthy - T : PBMC : healthy',
      'disease_assignment: B : PBMC : diseased - B : PBMC : healthy',
      'disease_assignment: B : R : diseased - B : R : healthy',
      'disease_assignment: T : PBMC : diseased - T : PBMC : healthy',
      'disease_assignment: T : R : diseased - T : R : healthy',
    ]);
    // The same engine, seed and draws as `ppl infer`: the same number as the generated quantity.
    const inferred = readCsv(join(dir, 'infer', 'contrasts.csv'));
    expect(rows[7].mean).toBe(inferred[0].mean);
    expect(rows.every((x) => Number(x.p_positive) >= 0 && Number(x.p_positive) <= 1)).toBe(true);
  });

  it('says clearly when a --by column varies within levels, and suggests names', async () => {
    const varies = await run(['contrasts', model, '--factor', 'group', '--by', 'patient']);
    expect(varies.code).toBe(2);
    expect(varies.err).toBe("error[E431]: 'patient' is not constant within the levels of 'group': level 'B : PBMC : healthy' has rows with 'H1' and 'H2'\n" +
      'hint: --by names columns that describe each level of group (one value per level)');
    const typo = await run(['contrasts', model, '--factor', 'group', '--by', 'disease_asignment']);
    expect(typo.err).toBe("error[E430]: --by: no column 'disease_asignment' in the data\nhint: did you mean 'disease_assignment'?");
    const factor = await run(['contrasts', model, '--factor', 'grop', '--by', 'tissue']);
    expect(factor.err).toBe("error[E430]: unknown factor 'grop'\nhint: did you mean 'group'?");
    const ambiguous = await run(['contrasts', model, '--factor', 'group', '--by', 'assignment']);
    expect(ambiguous.err).toMatch(/^error\[E430\]: --by 'assignment' could mean 'tissue_assignment' or 'disease_assignment'/);
  });
});

describe('ppl contrasts --factor group (no --by)', () => {
  it('compares every pair of levels, later minus earlier, with a note on multiplicity', async () => {
    const r = await run(['contrasts', model, '--factor', 'group']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('\nevery pair of levels of group: 28 comparisons. Each interval and P(>0) holds for its comparison alone, with no adjustment for multiplicity: by chance alone about 1.4 of 28 95% intervals miss\nname ');
    const rows = r.out.split('\n').filter((l) => l.startsWith('beta['));
    expect(rows).toHaveLength(28);
    expect(rows[0]).toMatch(/^beta\[B : PBMC : healthy\] - beta\[B : PBMC : diseased\] +-?\d/);
  });
});
