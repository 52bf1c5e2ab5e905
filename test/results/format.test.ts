import { describe, expect, it } from 'vitest';
import { estimateTable, formatPValue } from '../../src/results/format.js';
import { runCli } from '../cli/run_cli.js';
import { ROOT } from '../helpers.js';

const row = (name: string, mean: number, sd: number, lo: number, hi: number) => ({ name, mean, sd, q2_5: lo, q50: mean, q97_5: hi });

describe('the maximum-likelihood table', () => {
  it('two-sided Wald p as R prints Pr(>|z|)', () => {
    expect(formatPValue(1.959963985)).toBe('0.05');
    expect(formatPValue(-1)).toBe('0.317');
    expect(formatPValue(0)).toBe('1');
    expect(formatPValue(9)).toBe('<2e-16');
    expect(formatPValue(3.96)).toBe('7.49e-05');
    expect(formatPValue(NaN)).toBe('-');
  });

  it('heads estimate and SE, and gives z and p to the fixed effects only', () => {
    const t = estimateTable([row('(Intercept)', 251.405, 6.825, 238.029, 264.781), row('sd[Subject]', 24.74, 5.836, 15.582, 39.283)], new Set(['(Intercept)']));
    expect(t.split('\n')).toEqual([
      'name         estimate     SE  z value  Pr(>|z|)     2.5%    97.5%',
      '(Intercept)   251.405  6.825    36.84    <2e-16  238.029  264.781',
      'sd[Subject]    24.740  5.836                      15.582   39.283',
    ]);
  });

  it('ppl infer --ml prints it, and Wald z and p for the contrasts instead of P(>0)', async () => {
    const r = await runCli(['infer', `${ROOT}models/zeb2_formula.glmm`, '--ml']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[2]).toMatch(/^name +estimate +SE +z value +Pr\(>\|z\|\) +2\.5% +97\.5%$/);
    expect(lines.find((l) => l.startsWith('cell_groupT : R : healthy'))).toMatch(/^cell_groupT : R : healthy +-\d+\.\d{3} +0\.\d{3} +-\d+\.\d{2} +<2e-16 /);
    expect(lines.find((l) => l.startsWith('sd[patient_assignment'))).toMatch(/^sd\[patient_assignment, \(Intercept\)\] +0\.199 +0\.036 +0\.139 +0\.284$/);
    expect(r.out).toContain('contrasts and generated quantities (maximum likelihood: Wald z = estimate / SE, two-sided p):\nname     estimate     SE   2.5%  97.5%  z value  Pr(>|z|)\nlfc_T_R     0.936  0.112  0.717  1.156     8.35    <2e-16');
    expect(r.out).not.toContain('P(>0)');
  });
});
