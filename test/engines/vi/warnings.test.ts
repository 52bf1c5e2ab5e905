import { describe, expect, it } from 'vitest';
import { comparisonWarning, meanFieldWarning } from '../../../src/engines/vi/warnings.js';
import { warningText } from '../../../src/results/warning_text.js';

describe("mean-field's sd warning", () => {
  const names = ['b0', 'b1', 'log(s)', 'u[1]', 'u[2]', 'u[3]'];
  const laplace = Float64Array.of(1, 1, 1, 1, 1, 1);
  it('names every fixed effect and hyperparameter whose sd is more than 20% short, and counts the random effects', () => {
    const w = meanFieldWarning(Float64Array.of(0.9, 0.08, 0.5, 0.6, 0.7, 0.95), laplace, names, [3, 4, 5]);
    expect(w.code).toBe('meanfield-sds');
    expect(w.params).toEqual(['b1', 'log(s)', 'u[1]', 'u[2]']);
    expect(w.figures).toEqual({ short: 4, sds: 6, limit: 0.2, worstRatio: 0.08 });
    expect(warningText(w)).toBe('mean-field VI ignores correlations between parameters and underestimates posterior sds: 4 of 6 sds are more than 20% below ' +
      "the nested Laplace fit's: 'b1' (92% below), 'log(s)' (50% below), 2 random effects (worst 'u[1]', 40% below); " +
      'use --engine fullrank, laplace or nuts for sds and intervals, or trust only the means');
  });
  it('says so when none is short', () => {
    expect(warningText(meanFieldWarning(laplace, laplace, names, [3, 4, 5]))).toMatch(/here every sd is within 20% of the nested Laplace fit's$/);
  });
});

describe('VI against the nested Laplace fit it started from', () => {
  const names = ['mu', 'log(tau)', 'u[1]'];
  const frame = {
    center: Float64Array.of(0, 0, 0), L: null, laplaceSd: Float64Array.of(1, 1, 1), conditionalSd: Float64Array.of(1, 1, 1),
    start: Float64Array.of(0, 0, 0), source: 'nested' as const,
  };
  it('names an sd 18% short: inside the 20% yardstick, but the nested fit may itself be off by the rest (0.82 of it was 0.78 of NUTS)', () => {
    const w = comparisonWarning('fullrank', Float64Array.of(0, 0, 0), Float64Array.of(0.82, 0.9, 1), frame, names, [2]);
    expect(w).toEqual([{ code: 'vi-vs-laplace', params: ['mu'], facts: { family: 'fullrank' }, items: [{ name: 'mu', shift: 0, sdRatio: 0.82, random: false }] }]);
    expect(warningText(w[0])).toContain('on 1 quantity: mu (mean +0.00 sd, sd x0.82)');
  });
  it('names a fixed effect 0.13 sd off and a random effect 0.21 sd off; says nothing within 0.12, 0.2 and 15%', () => {
    expect(warningText(comparisonWarning('fullrank', Float64Array.of(0.13, 0, 0.21), Float64Array.of(1, 1, 1), frame, names, [2])[0]))
      .toContain('on 2 quantities: mu (mean +0.13 sd, sd x1.00), u[1] (mean +0.21 sd, sd x1.00)');
    expect(comparisonWarning('fullrank', Float64Array.of(0.11, 0.05, 0.19), Float64Array.of(0.86, 1.14, 1), frame, names, [2])).toEqual([]);
  });
});
