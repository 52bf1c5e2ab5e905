import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferFit, type Fit } from '../../src/api/infer.js';
import { compareTable, disagreements, referenceEngine } from '../../src/cli/compare.js';
import { runCli } from './run_cli.js';
import { loadModel } from '../../src/io/load_model.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = ['y,g,x', '3,a,0.1', '0,a,-1.2', '5,b,0.8', '2,b,0.3', '7,c,1.5', '1,c,-0.4', '4,a,0.9', '0,b,-2.0', '6,c,0.2', '2,a,0.0'].join('\n');
writeFileSync(join(dir, 'd.csv'), csv);
writeFileSync(join(dir, 'small.glmm'), `data "d.csv" { y: count  g: factor  x: real }
parameters { b ~ Normal(0, 2)  u[g] ~ Normal(0, 1) }
model { y ~ Poisson(log_rate = u[g] + b * x) }`);

const run = runCli;

/** A fit reduced to what the comparison reads: its engine and summary rows. */
const fakeFit = (engine: string, rows: [string, number, number][]): Fit =>
  ({ engine, summary: rows.map(([name, mean, sd]) => ({ name, mean, sd, q2_5: mean - 2 * sd, q50: mean, q97_5: mean + 2 * sd })) }) as unknown as Fit;

describe('comparison arithmetic', () => {
  it('takes the most exact engine present as the reference', () => {
    expect(referenceEngine(['advi', 'laplace', 'fullrank'])).toBe('fullrank');
    expect(referenceEngine(['advi', 'nuts', 'laplace'])).toBe('nuts');
    expect(referenceEngine(['advi', 'laplace'])).toBe('laplace');
  });

  it('measures each engine by its largest gap in the reference sds, and its worst sd ratio', () => {
    const nuts = fakeFit('nuts', [['a', 0, 2], ['b', 1, 0.5]]);
    const advi = fakeFit('advi', [['a', 1, 1], ['b', 1.4, 0.45]]);
    const laplace = fakeFit('laplace', [['a', 0.2, 2.2], ['b', 0.98, 0.25]]);
    expect(disagreements([advi, nuts, laplace], 'nuts')).toEqual([
      { engine: 'advi', mean: expect.closeTo(0.8, 12), meanAt: 'b', sdRatio: 0.5, sdAt: 'a' },
      { engine: 'laplace', mean: expect.closeTo(0.1, 12), meanAt: 'a', sdRatio: 0.5, sdAt: 'b' },
    ]);
  });

  it('lays out mean and sd per engine, and the run-to-run sd with runs', () => {
    const table = compareTable([fakeFit('laplace', [['a', 0.12345, 1]]), { ...fakeFit('advi', [['a', -2, 0.5]]), runs: [{}, {}], summary: [{ name: 'a', mean: -2, sd: 0.5, runSd: 0.01234 }] } as unknown as Fit]);
    expect(table.split('\n')).toEqual([
      '       laplace        advi (2 runs)',
      'name    mean     sd     mean     sd  run sd',
      'a      0.123  1.000   -2.000  0.500  0.0123',
    ]);
  });
});

describe('ppl compare', () => {
  it('fits every engine, prints the table and disagreement, and writes the forest plot', async () => {
    const out = join(dir, 'cmp');
    const r = await run(['compare', join(dir, 'small.glmm'), '--engines', 'laplace,advi,fullrank,nuts', '--runs', '2', '--seed', '4', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('advi: 2 runs (seeds 4-5)');
    expect(r.out).toContain('laplace: seed 4');
    expect(r.out).toMatch(/laplace\s+advi \(2 runs\)\s+fullrank \(2 runs\)\s+nuts \(2 runs\)/);
    // The table's numbers are those of the library's fits with the same seeds.
    const m = loadModel(join(dir, 'small.glmm'));
    const advi = await inferFit(m, { engine: 'advi', seed: 4, runs: 2 });
    const row = r.out.split('\n').find((l) => l.startsWith('u[c] '))!;
    const b = advi.summary.find((s) => s.name === 'u[c]')!;
    expect(row).toContain(`${b.mean.toFixed(3)}  ${b.sd.toFixed(3)}  ${b.runSd!.toFixed(4)}`);
    expect(r.out).toContain('largest disagreement with nuts (the most exact engine here), in posterior sds of nuts:');
    for (const e of ['laplace', 'advi', 'fullrank']) expect(r.out).toMatch(new RegExp(`\\n  ${e}\\s+mean off by \\d\\.\\d{3} sd at (b|u\\[[abc]\\]); sd ratio`));
    expect(r.out).toMatch(/\(for scale: the run-to-run sd of the means of nuts over 2 runs is up to 0\.\d{3} sd, at (b|u\[[abc]\])\)/);

    const svg = readFileSync(join(out, 'forest.svg'), 'utf8');
    for (const text of ['laplace', 'advi', 'fullrank', 'nuts', 'u[b]']) expect(svg).toContain(`>${text}<`);
    expect(readFileSync(join(out, 'forest.png')).subarray(1, 4).toString()).toBe('PNG');
    const rows = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('engine,seed,name,mean,sd,q2.5,q97.5');
    // laplace once, the others twice, 4 quantities each.
    expect(rows).toHaveLength(1 + 7 * 4);
    expect(rows.filter((l) => l.startsWith('advi,5,')).map((l) => l.split(',')[2])).toEqual(['b', 'u[a]', 'u[b]', 'u[c]']);
  }, 120_000);

  it('rejects an unknown engine before fitting anything (exit 2)', async () => {
    const out = join(dir, 'never');
    const r = await run(['compare', join(dir, 'small.glmm'), '--engines', 'laplace,gibbs', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown engine 'gibbs'");
    expect(existsSync(out)).toBe(false);
  });

  it('reports an engine that fails in its place and compares the others (exit 1)', async () => {
    // 2,100 groups: over fullrank's 2,000-parameter limit (E517), easy for the nested Laplace.
    const rows = Array.from({ length: 2100 }, (_, i) => `g${i},${(1.5 * Math.sin(7.3 * i)).toFixed(4)}`);
    writeFileSync(join(dir, 'many.csv'), ['g,y', ...rows].join('\n') + '\n');
    writeFileSync(join(dir, 'many.glmm'), 'data "many.csv" {\n  g: factor\n  y: real\n}\nparameters {\n  mu ~ Normal(0, 5)\n  tau ~ HalfNormal(2)\n  u[g] ~ Normal(0, tau)\n}\nmodel {\n  y ~ Normal(mu + u[g], 1)\n}\n');
    const out = join(dir, 'partial');
    const r = await run(['compare', join(dir, 'many.glmm'), '--engines', 'laplace,fullrank', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/\nfullrank: failed: error\[E517\]: fullrank VI with 2102 parameters/);
    expect(r.out).toContain(' 2100 rows, 2102 parameters (fullrank failed: E517)\n');
    const csvRows = readFileSync(join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(csvRows).toHaveLength(1 + 2102);
    expect(csvRows.slice(1).every((l) => l.startsWith('laplace,'))).toBe(true);
  }, 60_000);

  it('reports a missing model file as the user\'s mistake', async () => {
    const r = await run(['compare', join(dir, 'nope.glmm')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[E401\]: cannot read model file/);
  });
});
