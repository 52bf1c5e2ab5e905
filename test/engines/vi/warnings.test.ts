import { describe, expect, it } from 'vitest';
import { meanFieldWarning } from '../../../src/engines/vi/warnings.js';

describe("mean-field's sd warning", () => {
  const names = ['b0', 'b1', 'log(s)', 'u[1]', 'u[2]', 'u[3]'];
  const laplace = Float64Array.of(1, 1, 1, 1, 1, 1);
  it('names every fixed effect and hyperparameter whose sd is more than 20% short, and counts the random effects', () => {
    const w = meanFieldWarning(Float64Array.of(0.9, 0.08, 0.5, 0.6, 0.7, 0.95), laplace, names, [3, 4, 5]);
    expect(w).toBe('mean-field VI ignores correlations between parameters and underestimates posterior sds: 4 of 6 sds are more than 20% below ' +
      "the nested Laplace fit's: 'b1' (92% below), 'log(s)' (50% below), 2 random effects (worst 'u[1]', 40% below); " +
      'use --engine fullrank, laplace or nuts for sds and intervals, or trust only the means');
  });
  it('says so when none is short', () => {
    expect(meanFieldWarning(laplace, laplace, names, [3, 4, 5])).toMatch(/here every sd is within 20% of the nested Laplace fit's$/);
  });
});
