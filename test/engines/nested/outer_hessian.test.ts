import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { createRng } from '../../../src/core/rng.js';
import { makeField } from '../../../src/engines/nested/field.js';
import { LaplaceMarginal } from '../../../src/engines/nested/marginal.js';
import { maximiseMarginal } from '../../../src/engines/nested/maximise.js';
import { startingPoint } from '../../../src/engines/nested/start.js';

// Counts near 1e4 with an offset and a correlated random slope (10 groups x 30 rows, simulated with
// intercept 1.2, slope 0.3, sds 0.3 and 0.1): the joint density's sums are so large that the gradient of
// the Laplace marginal carries an error of ~1e-4 from the inner solve's tolerance. Differenced over 1e-3
// of the conditional scale (~1e-6 here) that error was the whole outer Hessian: asymmetric, indefinite,
// and the grid built on it gave the correlation a posterior sd of 0.07 where NUTS gives 0.24.
const data = readFileSync(new URL('./fixtures/large_counts_slope.csv', import.meta.url), 'utf8');
const source = `data "data.csv" { y: count  expo: positive  x: real  g: factor }
model { y ~ poisson(1 + x + offset(log(expo)) + (1 + x | g)) }`;

describe('the outer Hessian of the Laplace marginal', () => {
  it('agrees with second differences of its values where the gradient is noisy (large counts)', async () => {
    const ld = await compile(source, { data }).logDensity({ backend: 'js' });
    const field = makeField(ld, 'posterior');
    const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
    const start = startingPoint(field, L, createRng(1).child('init'));
    const mode = maximiseMarginal(L, start.phi);
    const p = mode.phi.length;
    expect(p).toBe(3);
    // Second differences of L's values (second order in the inner solve's error) with steps of 0.05
    // (the marginal sds are 0.2-0.5 here): an independent Hessian.
    const h = 0.05;
    const value = (di: number, dj: number, i: number, j: number): number => {
      const phi = Float64Array.from(mode.phi);
      phi[i] += di;
      phi[j] += dj;
      const pt = L.at(phi, mode.point.inner.x);
      if ('failure' in pt) throw new Error('inner solve failed');
      return pt.value;
    };
    for (let i = 0; i < p; i++) {
      for (let j = 0; j <= i; j++) {
        const byValues = i === j
          ? (value(h, 0, i, i) - 2 * mode.point.value + value(-h, 0, i, i)) / (h * h)
          : (value(h, h, i, j) - value(h, -h, i, j) - value(-h, h, i, j) + value(-h, -h, i, j)) / (4 * h * h);
        const size = Math.sqrt(Math.abs(mode.hessian[i][i] * mode.hessian[j][j]));
        expect(Math.abs(mode.hessian[i][j] - byValues) / size, `entry ${i},${j}`).toBeLessThan(0.03);
      }
    }
    ld.dispose();
  }, 60_000);
});
