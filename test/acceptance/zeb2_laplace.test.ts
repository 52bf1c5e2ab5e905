import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readStanSummary } from '../fixtures/load.js';
import { ROOT } from '../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function readSummaryCsv(path: string): Map<string, { mean: number; sd: number }> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  expect(head).toBe('name,mean,sd,q2.5,q50,q97.5');
  return new Map(lines.map((l) => {
    const cells = l.split(',');
    return [cells[0], { mean: Number(cells[1]), sd: Number(cells[2]) }];
  }));
}

// Nested Laplace (the default laplace) against Stan's NUTS (100,000 draws) on the same model, to issue 12's
// limits for a hierarchical model: fixed effects within 0.15 sd, random effects within 0.25 (held here to
// 0.15 as well), sds within 20%; sigma_patient's mean within 10%. (A Gaussian at the joint mode, issue 2's
// engine, reached 0.2 sd and 16% here.)
describe.each([
  ['zeb2.glmm', 'weak_stan_nuts_summary.csv', 0.15, 0.2],
  ['zeb2_tfp.glmm', 'tfp_priors_stan_nuts_summary.csv', 0.15, 0.15],
])('ppl infer models/%s --engine laplace', (file, reference, meanTol, sdTol) => {
  const out = mkdtempSync(join(tmpdir(), 'glimmer-'));
  dirs.push(out);
  const lines: string[] = [];
  const run = main(['infer', `${ROOT}models/${file}`, '--engine', 'laplace', '--out', out], { out: (s) => lines.push(s), err: (s) => lines.push(s) });

  it('exits 0 and prints the summary with k-hat', async () => {
    expect(await run).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/beta\[T : R : diseased\]/);
    expect(text).toMatch(/Pareto k-hat( of [a-z ]+)? \d/);
  });

  it('agrees with Stan NUTS for every beta and u, and sigma_patient', async () => {
    await run;
    const mine = readSummaryCsv(join(out, 'summary.csv'));
    const stan = readStanSummary(`zeb2/${reference}`);
    let checked = 0;
    for (const [name, s] of stan) {
      if (!/^(beta|u)\[/.test(name)) continue;
      const m = mine.get(name);
      expect(m, name).toBeDefined();
      expect(Math.abs(m!.mean - s.mean) / s.sd, `${name} mean`).toBeLessThanOrEqual(meanTol);
      expect(Math.abs(m!.sd / s.sd - 1), `${name} sd`).toBeLessThanOrEqual(sdTol);
      checked++;
    }
    expect(checked).toBe(36);
    const sig = mine.get('sigma_patient')!;
    expect(Math.abs(sig.mean / stan.get('sigma_patient')!.mean - 1)).toBeLessThanOrEqual(0.1);
    expect(mine.has('lfc_T_R')).toBe(true);
  });

  it('writes run.json with engine, seed, versions, timings and k-hat', async () => {
    await run;
    const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(runJson.engine).toBe('laplace');
    expect(typeof runJson.seed).toBe('number');
    expect(typeof runJson.diagnostics.khat).toBe('number');
    expect(runJson.versions.tfjs).toMatch(/^\d/);
    expect(runJson.timings.totalMs).toBeGreaterThan(0);
    const header = readFileSync(join(out, 'draws.csv'), 'utf8').split('\n')[0];
    expect(header.split(',')).toContain('u[C1]');
  });
});
