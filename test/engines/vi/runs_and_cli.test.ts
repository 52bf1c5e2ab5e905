import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { runCli } from '../../cli/run_cli.js';
import { compileText } from '../../helpers.js';
import { messages } from '../../../src/core/warning.js';

const csv = ['y,x', '3,0.1', '0,-1.2', '5,0.8', '2,0.3', '7,1.5', '1,-0.4', '4,0.9', '0,-2.0'].join('\n');
const source = `data "d.csv" { y: count  x: real } parameters { a ~ Normal(0, 2)  b ~ Normal(0, 2) } model { y ~ Poisson(log_rate = a + b * x) }`;
const model = compileText(source.replace(' "d.csv"', ''), csv);

describe('--runs K (any engine)', () => {
  it('pools K runs with seeds seed..seed+K-1 and adds the sd of the means across runs', async () => {
    const fit = await inferFit(model, { engine: 'laplace', seed: 5, draws: 300, runs: 3 });
    expect(fit.runs?.map((r) => r.seed)).toEqual([5, 6, 7]);
    expect(fit.draws.length).toBe(900);
    expect(fit.settings.runs).toBe(3);
    for (const row of fit.summary) {
      const means = fit.runs!.map((r) => r.summary.find((s) => s.name === row.name)!.mean);
      const m = means.reduce((x, y) => x + y) / 3;
      expect(row.runSd).toBeCloseTo(Math.sqrt(means.reduce((x, y) => x + (y - m) ** 2, 0) / 2), 12);
    }
    const single = await inferFit(model, { engine: 'laplace', seed: 6, draws: 300 });
    expect(fit.runs![1].summary).toEqual(single.summary);
  });

  it('flags quantities whose means spread by more than 0.1 posterior sd', async () => {
    const fit = await inferFit(model, { engine: 'advi', seed: 1, draws: 300, runs: 4, settings: { init: 'random', average: false, steps: 30 } });
    const w = messages(fit.warnings).find((x) => x.startsWith('across 4 runs (seeds 1-4)'));
    expect(w).toMatch(/vary by more than 0\.1 posterior sd: (a|b) \(/);
    expect(fit.maxRunSd).toBeGreaterThan(0.1);
  });
});

describe('ppl infer with VI options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'glimmer-vi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'd.csv'), csv);
  writeFileSync(join(dir, 'm.glmm'), source);

  const run = runCli;

  it('passes the flags to the engine and writes every run to run.json', async () => {
    const out = join(dir, 'out');
    const r = await run(['infer', join(dir, 'm.glmm'), '--engine', 'advi', '--vi-recipe', 'tfp', '--steps', '400', '--mc-draws', '4',
      '--lr', '0.02', '--runs', '2', '--draws', '100', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('run-to-run sd of the means over 2 runs (seeds 1-2)');
    expect(r.err).toContain('warning: no iterate averaging');
    const json = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(json.runs).toHaveLength(2);
    expect(json.runs[1].seed).toBe(2);
    expect(json.runs[0].summary[0].name).toBe('a');
    expect(json.diagnostics).toMatchObject({ recipe: 'tfp', steps: 400, mcDraws: 4, lr: 0.02, init: 'random', averaging: false });
    expect(json.diagnostics.kind).toBe('vi');
    expect(json.diagnostics.elboTrace[0]).toEqual({ step: expect.any(Number), elbo: expect.any(Number) });
  });

  it('--no-average overrides the default recipe; a bad setting exits 2', async () => {
    const out = join(dir, 'out2');
    expect((await run(['infer', join(dir, 'm.glmm'), '--engine', 'fullrank', '--no-average', '--steps', '100', '--out', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).diagnostics).toMatchObject({ averaging: false, steps: 100, stopReason: 'fixed-steps' });
    expect((await run(['infer', join(dir, 'm.glmm'), '--engine', 'advi', '--lr', '-1'])).code).toBe(2);
    expect((await run(['infer', join(dir, 'm.glmm'), '--engine', 'advi', '--init', 'prior'])).code).toBe(2);
    expect((await run(['infer', join(dir, 'm.glmm'), '--runs', '0'])).code).toBe(2);
  });
});
