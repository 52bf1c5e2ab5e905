import { describe, expect, it } from 'vitest';
import { khatWarnings, movedQuantities } from '../../src/diagnostics/psis_shifts.js';
import type { PsisResult } from '../../src/diagnostics/psis.js';
import { warningText } from '../../src/results/warning_text.js';

const result = (khat: number, ess: number): PsisResult => ({ khat, logWeights: new Float64Array(1000), ess, tailLength: 95, threshold: 0.67, logMeanRatio: 0 });
const warn = (khat: number) => khatWarnings({
  approximation: 'posterior', r: result(khat, 600), shifts: [{ coord: 0, shift: 0.4, sdRatio: 1.1 }], names: ['t'],
  psisApplies: false, reweighted: false, instead: ['nuts'],
});

describe('k-hat warnings', () => {
  it('at a good k-hat, says the weights are reliable and show the approximation off, not "usable but imperfect"', () => {
    const [first] = warn(-0.07);
    expect(first).toEqual({
      code: 'khat-shifts', params: ['t'], figures: { khat: -0.07, threshold: 0.67, psisEss: 600, draws: 1000 },
      facts: { approximation: 'posterior', reweighting: 'unavailable', instead: ['nuts'] }, items: [{ name: 't', shift: 0.4, sdRatio: 1.1, random: false }],
    });
    expect(warningText(first)).toBe('Pareto k-hat = -0.07: the importance weights are reliable and show that the Gaussian approximation of the posterior is off; ' +
      "importance reweighting moves 't' (mean +0.40 sd, sd x1.10); --engine nuts for exact tails");
  });
  it('between 0.5 and the threshold, usable but imperfect; above it, poor in the tails', () => {
    expect(warningText(warn(0.6)[0])).toContain('is usable but imperfect');
    expect(warn(0.8)[0].code).toBe('khat-poor');
    expect(warningText(warn(0.8)[0])).toMatch(/^Pareto k-hat = 0\.80 > 0\.67: the Gaussian approximation of the posterior is poor in the tails/);
  });
  it('with near-uniform weights, none: reweighting would change nothing', () => {
    expect(khatWarnings({ approximation: 'posterior', r: result(1.2, 950), shifts: [{ coord: 0, shift: 0.4, sdRatio: 1.1 }], names: ['t'], psisApplies: true, reweighted: false, instead: ['nuts'] })).toEqual([]);
  });
});

describe('naming what reweighting moves', () => {
  const shifts = [
    ...Array.from({ length: 8 }, (_, k) => ({ coord: 2 + k, shift: 0.9 - 0.01 * k, sdRatio: 1 })),
    { coord: 0, shift: 0.3, sdRatio: 1 },
    { coord: 1, shift: -0.2, sdRatio: 1 },
    { coord: 10, shift: 0.1, sdRatio: 1.1 },
  ];
  const names = ['b0', 'b1', ...Array.from({ length: 9 }, (_, k) => `u[${k}]`)];
  const random = [2, 3, 4, 5, 6, 7, 8, 9, 10];

  it('keeps the quantities past the limits (0.15 sd, 20% in sd), marking the random effects', () => {
    const moved = movedQuantities(shifts, names, random);
    expect(moved.map((m) => m.name)).toEqual([...Array.from({ length: 8 }, (_, k) => `u[${k}]`), 'b0', 'b1']);
    expect(moved.filter((m) => !m.random).map((m) => m.name)).toEqual(['b0', 'b1']);
  });

  it('says every fixed effect and hyperparameter, then at most five random effects and a count', () => {
    const [w] = khatWarnings({ approximation: 'meanfield', r: result(0.3, 600), shifts, names, psisApplies: true, reweighted: false, instead: ['fullrank', 'laplace', 'nuts'], random });
    expect(w.params).toHaveLength(10);
    expect(warningText(w)).toBe('Pareto k-hat = 0.30: the importance weights are reliable and show that the mean-field Gaussian is off; importance reweighting moves ' +
      "'b0' (mean +0.30 sd, sd x1.00), 'b1' (mean -0.20 sd, sd x1.00), 'u[0]' (mean +0.90 sd, sd x1.00), 'u[1]' (mean +0.89 sd, sd x1.00), " +
      "'u[2]' (mean +0.88 sd, sd x1.00), 'u[3]' (mean +0.87 sd, sd x1.00), 'u[4]' (mean +0.86 sd, sd x1.00) and 3 more; " +
      '--psis applies this reweighting (PSIS effective sample size 600 of 1000 draws)');
  });
});
