import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run_cli.js';
import { writeMini } from './contrasts_ppc_data.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-ppc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const model = writeMini(dir);

const run = runCli;

const GROUPS = ['B : PBMC : diseased', 'B : PBMC : healthy', 'B : R : diseased', 'B : R : healthy', 'T : PBMC : diseased', 'T : PBMC : healthy', 'T : R : diseased', 'T : R : healthy'];

describe('ppl ppc', () => {
  const out = join(dir, 'out');
  const r = run(['ppc', model, '--draws', '100', '--out', out, '--plot', out]);

  it('groups by the likelihood\'s first factor and prints observed next to replicated, per statistic', async () => {
    const { code, out: text, err } = await r;
    expect(err).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(text).toMatch(/^posterior predictive check of .*mini\.glmm: 100 data sets of 960 rows replicated from the laplace fit in \d+\.\d s\n\ny ~ Poisson\n/);
    const zeros = text.slice(text.indexOf('proportion of zeros of y by group:'));
    expect(zeros).toMatch(/^proportion of zeros of y by group:\ngroup +rows +observed +replicated +2\.5% +97\.5% +P\(rep>=obs\)\n\(all rows\) +960 /);
    for (const g of GROUPS) expect(zeros).toMatch(new RegExp(`\\n${g.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +120 +0\\.\\d{4} +0\\.\\d{4} +0\\.\\d{4} +0\\.\\d{4} +[01]\\.\\d{3}`));
    expect(text).toContain('\nmean of y by group:\n');
    expect(text).toContain('\nvariance of y by group:\n');
    expect(text).toMatch(/\d+ of 27 observed statistics lie outside the 95% interval of 100 replicated data sets \(marked \*\)/);
  });

  it('writes ppc.csv with every statistic of every group, and the plot', async () => {
    await r;
    const [head, ...rows] = readFileSync(join(out, 'ppc.csv'), 'utf8').trim().split('\n');
    expect(head).toBe('column,statistic,by,group,rows,observed,replicated_mean,q2.5,q97.5,p_value');
    expect(rows).toHaveLength(27);
    // Observed statistics are those of the data file itself.
    const csv = readFileSync(join(dir, 'mini.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const ys = csv.filter((c) => c[6] === 'T : R : diseased').map((c) => Number(c[7]));
    const zerosRow = rows.find((l) => l.startsWith('y,zeros,group,T : R : diseased,'))!.split(',');
    expect(Number(zerosRow[5])).toBeCloseTo(ys.filter((v) => v === 0).length / ys.length, 7);
    expect(existsSync(join(out, 'ppc.svg')) && existsSync(join(out, 'ppc.png'))).toBe(true);
  });

  it('--by takes a column the model does not declare (partial names too), or fails with a hint', async () => {
    const t = await run(['ppc', model, '--draws', '20', '--by', 'tissue']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^--by tissue: column 'tissue_assignment'\n/);
    expect(t.out).toMatch(/\nproportion of zeros of y by tissue_assignment:\ntissue_assignment +rows[^\n]*\n\(all rows\) +960 [^\n]*\nPBMC +480 [^\n]*\nR +480 /);
    const bad = await run(['ppc', model, '--by', 'celtype']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe("error[E430]: --by: no column 'celtype' in the data\nhint: did you mean 'celltype'?");
  });

  it('--by a real-valued column is refused, not printed as hundreds of groups', async () => {
    const r = await run(['ppc', model, '--by', 'total']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[E434\]: --by 'total' has 760 distinct values in 960 rows: that is not a grouping\nhint: group by a factor column \(at most 100 groups\), or add a column that bins 'total'$/);
  });
});
