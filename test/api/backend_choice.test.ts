import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { compileText, loadRepoModel } from '../helpers.js';

describe('log-density backend choice', () => {
  it('runs the reduced ZEB2 model on float64 JS and says so', async () => {
    const ld = await loadRepoModel('zeb2.glmm').logDensity();
    expect(ld.backend).toBe('js');
    expect(ld.choice).toBe('reduced to 160 cells: float64 JS');
    ld.dispose();
  });

  it('gives tfjs the row-wise model, with a float64 twin of the same layout', async () => {
    const model = loadRepoModel('zeb2.glmm');
    const ld = await model.logDensity({ backend: 'tfjs' });
    expect(ld.backend).toBe('tfjs');
    const twin = ld.float64Twin!();
    expect(twin.thetaNames).toEqual(ld.thetaNames);
    const theta = new Float64Array(ld.dim).map((_, i) => (ld.thetaNames[i].startsWith('beta') ? -9 : 0.1));
    const a = ld.valueAndGrad(theta);
    const b = twin.valueAndGrad(theta);
    expect(Math.abs(a.value + ld.constant - (b.value + twin.constant))).toBeLessThan(1e-6 * Math.abs(b.value + twin.constant));
    twin.dispose();
    ld.dispose();
  });

  it('decides by size alone, so the same seed gives the same numbers', async () => {
    const csv = ['y,g', ...Array.from({ length: 50 }, (_, i) => `${i % 3},g${i % 5}`)].join('\n');
    const model = compileText('data { y: count x: real g: factor } parameters { a[g] ~ Normal(0, 1) } model { y ~ Poisson(log_rate = a[g]) }'.replace(' x: real', ''), csv);
    const [f1, f2] = [await inferFit(model, { seed: 7, draws: 200 }), await inferFit(model, { seed: 7, draws: 200 })];
    expect(f1.summary).toEqual(f2.summary);
    expect(f1.settings.backend).toBe('js');
  });
});
