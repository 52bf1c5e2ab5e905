import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readCsv } from '../fixtures/load.js';
import { ROOT } from '../helpers.js';

// Issue 4's acceptance: the lme4 formula with --ml against lme4's glmer fit of the same data
// (nAGQ = 1). Tolerances from the issue: fixed effects within 0.02 SE, SEs within 2%, the patient
// SD within 2%, logLik within 0.05, conditional modes within 0.02 conditional sd.
describe('ppl infer models/zeb2_formula.glmm --engine laplace --ml', () => {
  const out = mkdtempSync(join(tmpdir(), 'glimmer-ml-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const run = main(['infer', `${ROOT}models/zeb2_formula.glmm`, '--engine', 'laplace', '--ml', '--out', out], { out: () => {}, err: () => {} });
  const summary = async (): Promise<Map<string, { mean: number; sd: number }>> => {
    expect(await run).toBe(0);
    const [, ...lines] = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n');
    return new Map(lines.map((l) => {
      const cells = l.match(/("[^"]*"|[^,]+)/g)!;
      return [cells[0].replace(/^"|"$/g, ''), { mean: Number(cells[1]), sd: Number(cells[2]) }];
    }));
  };

  it('fixed effects and their standard errors match lme4', async () => {
    const mine = await summary();
    const lme4 = readCsv('zeb2/lme4_fixed_effects.csv');
    expect(lme4).toHaveLength(20);
    for (const r of lme4) {
      const m = mine.get(`cell_group${r.cell_group}`)!;
      expect(Math.abs(m.mean - Number(r.mean)) / Number(r.std), r.cell_group).toBeLessThanOrEqual(0.02);
      expect(Math.abs(m.sd / Number(r.std) - 1), r.cell_group).toBeLessThanOrEqual(0.02);
    }
  });

  it('the patient SD, the log-likelihood and the conditional modes match lme4', async () => {
    const mine = await summary();
    const sd = Number(readCsv('zeb2/lme4_varcorr.csv')[0].sdcor);
    expect(Math.abs(mine.get('sd[patient_assignment, (Intercept)]')!.mean / sd - 1)).toBeLessThanOrEqual(0.02);
    const logLik = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).diagnostics.logLik as number;
    expect(Math.abs(logLik - -34724.99)).toBeLessThanOrEqual(0.05);
    for (const r of readCsv('zeb2/lme4_random_effects.csv')) {
      const m = mine.get(`patient_assignment[${r.patient_assignment}, (Intercept)]`)!;
      expect(Math.abs(m.mean - Number(r.mean)) / Number(r.std), r.patient_assignment).toBeLessThanOrEqual(0.02);
    }
  });
});
