import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { kde } from '../../src/plots/kde.js';

const normals = (n: number, seed: number, mu = 0, s = 1): Float64Array => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => mu + s * rng.normal());
};

const integral = (c: { x: Float64Array; density: Float64Array }): number => {
  let s = 0;
  for (let i = 1; i < c.x.length; i++) s += 0.5 * (c.density[i] + c.density[i - 1]) * (c.x[i] - c.x[i - 1]);
  return s;
};

const at = (c: { x: Float64Array; density: Float64Array }, x: number): number => {
  const i = c.x.findIndex((v) => v >= x);
  const f = (x - c.x[i - 1]) / (c.x[i] - c.x[i - 1]);
  return c.density[i - 1] * (1 - f) + c.density[i] * f;
};

describe('kde', () => {
  it('integrates to 1 and recovers a normal density', () => {
    const c = kde(normals(20000, 1, 3, 2));
    expect(integral(c)).toBeCloseTo(1, 3);
    // N(3, 2^2) at its mean and one sd out; the smoothing widens it by (1 + h^2/s^2)^(1/2), about 1%.
    expect(at(c, 3)).toBeCloseTo(1 / (2 * Math.sqrt(2 * Math.PI)), 2);
    expect(at(c, 5) / at(c, 3)).toBeCloseTo(Math.exp(-0.5), 1);
  });

  it('with weights, estimates the weighted distribution', () => {
    // Half the draws around -5, half around +5; weight 0 on the first half leaves only the second.
    const values = Float64Array.from([...normals(4000, 2, -5), ...normals(4000, 3, 5)]);
    const weights = Float64Array.from(values, (_, i) => (i < 4000 ? 0 : 1));
    const c = kde(values, weights);
    expect(c.x[0]).toBeGreaterThan(0);
    expect(integral(c)).toBeCloseTo(1, 3);
    expect(at(c, 5)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 1);
  });

  it('gives a constant column a finite spike', () => {
    const c = kde(new Float64Array(100).fill(2));
    expect(c.density.every(Number.isFinite)).toBe(true);
    expect(integral(c)).toBeCloseTo(1, 2);
  });
});
