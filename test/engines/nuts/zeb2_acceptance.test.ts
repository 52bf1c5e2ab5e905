import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { readStanSummary } from '../../fixtures/load.js';
import { ROOT } from '../../helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Row { mean: number; sd: number; rhat: number; essBulk: number; mcseMean: number }

function readSummary(path: string): Map<string, Row> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  expect(head).toBe('name,mean,sd,q2.5,q50,q97.5,rhat,ess_bulk,ess_tail,mcse_mean');
  return new Map(lines.map((l) => {
    const c = l.split(',');
    return [c[0], { mean: Number(c[1]), sd: Number(c[2]), rhat: Number(c[6]), essBulk: Number(c[7]), mcseMean: Number(c[9]) }];
  }));
}

// Issue 6's acceptance, as the user runs it: `ppl infer models/<file> --engine nuts --seed 1 --out o`,
// against Stan's NUTS (4 x 25,000 draws). Every parameter's mean within max(0.1 x reference sd,
// 4 x its own mcse_mean), sd within 15%, R-hat <= 1.01, bulk ESS >= 400, no divergences.
describe.each([
  ['zeb2.glmm', 'weak_stan_nuts_summary.csv'],
  ['zeb2_tfp.glmm', 'tfp_priors_stan_nuts_summary.csv'],
])('ppl infer models/%s --engine nuts --seed 1', (file, reference) => {
  const out = mkdtempSync(join(tmpdir(), 'glimmer-nuts-'));
  dirs.push(out);
  const lines: string[] = [];
  const run = main(['infer', `${ROOT}models/${file}`, '--engine', 'nuts', '--seed', '1', '--out', out], { out: (s) => lines.push(s), err: (s) => lines.push(s) });

  it('exits 0 with no warnings and no divergences', async () => {
    expect(await run).toBe(0);
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);
    const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(runJson.engine).toBe('nuts');
    expect(runJson.diagnostics.divergences).toBe(0);
    expect(runJson.diagnostics.chains).toBe(4);
    expect(runJson.diagnostics.drawsPerChain).toBe(1000);
  });

  it('agrees with Stan on every parameter, with R-hat <= 1.01 and bulk ESS >= 400', async () => {
    await run;
    const mine = readSummary(join(out, 'summary.csv'));
    const stan = readStanSummary(`zeb2/${reference}`);
    expect(stan.size).toBe(37);
    for (const [name, s] of stan) {
      const m = mine.get(name)!;
      expect(m, name).toBeDefined();
      expect(Math.abs(m.mean - s.mean), `${name} mean`).toBeLessThanOrEqual(Math.max(0.1 * s.sd, 4 * m.mcseMean));
      expect(Math.abs(m.sd / s.sd - 1), `${name} sd`).toBeLessThanOrEqual(0.15);
      expect(m.rhat, `${name} R-hat`).toBeLessThanOrEqual(1.01);
      expect(m.essBulk, `${name} bulk ESS`).toBeGreaterThanOrEqual(400);
    }
    expect(mine.has('lfc_T_R')).toBe(true);
  });
});
