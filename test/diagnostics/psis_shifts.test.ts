import { describe, expect, it } from 'vitest';
import { describeShifts, khatWarnings } from '../../src/diagnostics/psis_shifts.js';
import type { PsisResult } from '../../src/diagnostics/psis.js';
import { warningText } from '../../src/results/warning_text.js';

const result = (khat: number, ess: number): PsisResult => ({ khat, logWeights: new Float64Array(1000), ess, tailLength: 95, threshold: 0.67, logMeanRatio: 0 });
const warn = (khat: number) => khatWarnings({
  what: 'the Gaussian approximation', r: result(khat, 600), shifts: [{ coord: 0, shift: 0.4, sdRatio: 1.1 }], names: ['t'],
  psisApplies: false, reweighted: false, instead: '--engine nuts',
});

describe('k-hat warnings', () => {
  it('at a good k-hat, says the weights are reliable and show the approximation off, not "usable but imperfect"', () => {
    const [first] = warn(-0.07);
    const { code, params, figures } = first;
    const w = warningText(first);
    expect({ code, params, figures }).toEqual({ code: 'khat-shifts', params: ['t'], figures: { khat: -0.07, threshold: 0.67, psisEss: 600 } });
    expect(w).toMatch(/^Pareto k-hat = -0\.07: the importance weights are reliable and show that the Gaussian approximation is off; importance reweighting moves /);
    expect(w).toContain("'t'");
    expect(w).toMatch(/--engine nuts for exact tails$/);
  });
  it('between 0.5 and the threshold, usable but imperfect; above it, poor in the tails', () => {
    expect(warningText(warn(0.6)[0])).toContain('is usable but imperfect');
    expect(warn(0.8)[0].code).toBe('khat-poor');
    expect(warningText(warn(0.8)[0])).toMatch(/^Pareto k-hat = 0\.80 > 0\.67: the Gaussian approximation is poor in the tails/);
  });
});

describe('naming what reweighting moves', () => {
  it('names every fixed effect and hyperparameter, then at most five random effects and a count', () => {
    const shifts = [
      ...Array.from({ length: 8 }, (_, k) => ({ coord: 2 + k, shift: 0.9 - 0.01 * k, sdRatio: 1 })),
      { coord: 0, shift: 0.3, sdRatio: 1 },
      { coord: 1, shift: -0.2, sdRatio: 1 },
    ];
    const names = ['b0', 'b1', ...Array.from({ length: 8 }, (_, k) => `u[${k}]`)];
    const d = describeShifts(shifts, names, [2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.count).toBe(10);
    expect(d.text).toMatch(/^'b0' \(mean \+0\.30 sd, sd x1\.00\), 'b1' \(mean -0\.20 sd, sd x1\.00\), 'u\[0\]'/);
    expect(d.text).toMatch(/'u\[4\]' \(mean \+0\.86 sd, sd x1\.00\) and 3 more$/);
  });
});
