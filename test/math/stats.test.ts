import { describe, expect, it } from 'vitest';
import {
  mean,
  quantile,
  sd,
  summarize,
  variance,
  weightedMean,
  weightedQuantile,
  weightedSd,
} from '../../src/math/stats.js';
import { createRng } from '../../src/core/rng.js';

const oneToTen = Float64Array.from({ length: 10 }, (_, i) => i + 1);

describe('unweighted statistics', () => {
  it('mean, variance and sd use the n - 1 denominator like R', () => {
    expect(mean(oneToTen)).toBe(5.5);
    expect(variance(oneToTen)).toBeCloseTo(55 / 6, 14); // var(1:10)
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(variance([1])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('keeps precision with a large common offset', () => {
    const x = [1e9 + 1, 1e9 + 2, 1e9 + 3];
    expect(mean(x)).toBe(1e9 + 2);
    expect(variance(x)).toBe(1);
  });

  it('quantile matches R type 7', () => {
    // quantile(1:10, p): h = 9 p, interpolate between order statistics floor(h) and floor(h) + 1.
    expect(quantile(oneToTen, 0.025)).toBeCloseTo(1.225, 14);
    expect(quantile(oneToTen, 0.5)).toBe(5.5);
    expect(quantile(oneToTen, 0.975)).toBeCloseTo(9.775, 14);
    expect(quantile(oneToTen, 0)).toBe(1);
    expect(quantile(oneToTen, 1)).toBe(10);
    // Unsorted input: quantile(c(8, 1, 4, 2), 0.9) = 4 + 0.7 * (8 - 4) = 6.8.
    expect(quantile([8, 1, 4, 2], 0.9)).toBeCloseTo(6.8, 14);
    expect(quantile([3, 1, 2], 0.1)).toBeCloseTo(1.2, 14);
    expect(quantile([7], 0.3)).toBe(7);
    expect(() => quantile(oneToTen, 1.5)).toThrow(/probability/);
  });
});

describe('weighted statistics', () => {
  it('reduce to the unweighted ones for equal weights (of any scale)', () => {
    const rng = createRng('equal-weights');
    const x = Float64Array.from({ length: 37 }, () => rng.normal());
    const w = new Float64Array(37).fill(3.5);
    expect(weightedMean(x, w)).toBeCloseTo(mean(x), 14);
    expect(weightedSd(x, w)).toBeCloseTo(sd(x), 14);
    for (const p of [0, 0.025, 0.3, 0.5, 0.975, 1]) expect(weightedQuantile(x, w, p)).toBeCloseTo(quantile(x, p), 13);
  });

  it('match hand-computed values for weights (1, 2, 1) on (1, 2, 3)', () => {
    const x = [3, 1, 2];
    const w = [1, 1, 2];
    expect(weightedMean(x, w)).toBe(2);
    // sum w (x - m)^2 = 0.5 with normalized w; 1 - sum w^2 = 0.625.
    expect(weightedSd(x, w)).toBeCloseTo(Math.sqrt(0.8), 14);
    // Positions: 0 for 1, (0.75 - 0.25 - 0.125) / 0.75 = 0.5 for 2, and 1 for 3.
    expect(weightedQuantile(x, w, 0.25)).toBeCloseTo(1.5, 14);
    expect(weightedQuantile(x, w, 0.5)).toBeCloseTo(2, 14);
    expect(weightedQuantile(x, w, 0.75)).toBeCloseTo(2.5, 14);
  });

  it('ignore draws with zero weight, and weightedQuantile is symmetric under negation', () => {
    const rng = createRng('weighted-symmetry');
    const x = Float64Array.from({ length: 50 }, () => rng.normal());
    const w = Float64Array.from({ length: 50 }, () => rng.uniform());
    const negated = x.map((v) => -v);
    for (const p of [0.025, 0.2, 0.5, 0.9]) {
      expect(weightedQuantile(negated, w, p)).toBeCloseTo(-weightedQuantile(x, w, 1 - p), 13);
    }
    const padded = Float64Array.from([...x, 1e6]);
    const paddedW = Float64Array.from([...w, 0]);
    expect(weightedQuantile(padded, paddedW, 0.99)).toBeCloseTo(weightedQuantile(x, w, 0.99), 14);
    expect(weightedMean(padded, paddedW)).toBeCloseTo(weightedMean(x, w), 14);
  });

  it('reject bad weights with a message that names them', () => {
    expect(() => weightedMean([1, 2], [1, -1])).toThrow(/weights\[1\] = -1/);
    expect(() => weightedMean([1, 2], [0, 0])).toThrow(/positive sum/);
    expect(() => weightedSd([1, 2], [1])).toThrow(/length/);
  });

  it('weightedSd is NaN when one draw carries all the weight', () => {
    expect(weightedSd([1, 2, 3], [0, 1, 0])).toBeNaN();
  });
});

describe('summarize', () => {
  it('summarizes standard normal draws', () => {
    const rng = createRng('summarize');
    const x = Float64Array.from({ length: 100_000 }, () => rng.normal());
    const s = summarize(x);
    // Monte Carlo sds at S = 1e5: mean 0.003, sd 0.0022, 2.5% quantile about 0.008.
    expect(s.mean).toBeCloseTo(0, 1);
    expect(Math.abs(s.sd - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.q2_5 + 1.959964)).toBeLessThan(0.04);
    expect(Math.abs(s.q50)).toBeLessThan(0.02);
    expect(Math.abs(s.q97_5 - 1.959964)).toBeLessThan(0.04);
  });

  it('with uniform weights equals the unweighted summary', () => {
    const x = Float64Array.from([5, 3, 9, 1, 7, 2]);
    const a = summarize(x);
    const b = summarize(x, new Float64Array(6).fill(0.2));
    for (const key of ['mean', 'sd', 'q2_5', 'q50', 'q97_5'] as const) expect(b[key]).toBeCloseTo(a[key], 13);
    expect(a.q2_5).toBeCloseTo(1.125, 14); // quantile(c(5, 3, 9, 1, 7, 2), 0.025) = 1 + 0.125 * (2 - 1)
  });
});
