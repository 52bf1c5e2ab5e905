import { describe, expect, it } from 'vitest';
import { readFixture } from '../fixtures/load.js';
import { loadRepoModel } from '../helpers.js';
import { logKernelF64 } from '../../src/compiler/eval_f64.js';
import { hostConstant, paramNames } from '../../src/compiler/layout.js';

interface Point { theta: number[]; log_density: number; gradient: number[] }
const ref = JSON.parse(readFixture('zeb2/logdensity_points.json')) as { theta_layout: string[]; models: Record<string, Point[]> };

// The reference (an independent float64 computation, all constants kept) against both evaluators.
describe.each([['zeb2', 'zeb2.glmm'], ['zeb2_tfp', 'zeb2_tfp.glmm']])('ZEB2 log density (%s)', (key, file) => {
  const model = loadRepoModel(file);
  const points = ref.models[key];

  it('lays out theta with the reference names', async () => {
    const ld = await model.logDensity();
    expect([...ld.thetaNames].sort()).toEqual([...ref.theta_layout].sort());
    ld.dispose();
  });

  it('float64 evaluator equals the reference value (rel 1e-12)', () => {
    const toMine = permutation(model, ref.theta_layout);
    for (const p of points) {
      const theta = toMine(p.theta);
      const v = logKernelF64(model.ir, theta) + hostConstant(model.ir);
      expect(Math.abs(v - p.log_density) / Math.abs(p.log_density)).toBeLessThan(1e-12);
    }
  });

  it('tfjs graph equals the reference value (rel 1e-6) and gradient (rel 1e-4 of the largest component)', async () => {
    const ld = await model.logDensity();
    const toMine = permutation(model, ref.theta_layout);
    const results = ld.valueAndGradBatch(points.map((p) => toMine(p.theta)));
    points.forEach((p, k) => {
      const { value, grad } = results[k];
      expect(Math.abs(value + ld.constant - p.log_density) / Math.abs(p.log_density)).toBeLessThan(1e-6);
      const g = toMine(p.gradient);
      const scale = Math.max(...g.map(Math.abs));
      for (let i = 0; i < g.length; i++) expect(Math.abs(grad[i] - g[i])).toBeLessThan(1e-4 * scale);
    });
    ld.dispose();
  });
});

/** Maps a vector in the reference layout to this model's theta layout, by coordinate name. */
function permutation(model: ReturnType<typeof loadRepoModel>, layout: string[]): (v: number[]) => Float64Array {
  const at = paramNames(model.ir).theta.map((n) => layout.indexOf(n));
  if (at.some((i) => i < 0)) throw new Error('theta layout differs from the reference');
  return (v) => Float64Array.from(at, (i) => v[i]);
}
