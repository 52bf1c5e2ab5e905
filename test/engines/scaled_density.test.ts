import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { curvatureScales, scaledDensity } from '../../src/engines/scaled_density.js';
import { loadModel } from '../../src/io/load_model.js';
import { loadRepoModel, ROOT } from '../helpers.js';

const CASE = `${ROOT}test/battery/unscaled_covariate/`;

describe('coordinate scales from the curvature at the conditional mode', () => {
  it('scale only the slope per unit of a covariate in the millions, by its conditional sd', async () => {
    const ld = await loadModel(`${CASE}model.glmm`).logDensity({ backend: 'js' });
    const s = curvatureScales(ld)!;
    expect(ld.thetaNames).toEqual(['(Intercept)', 'x']);
    expect(s[0]).toBe(1);
    // glm's SE of the slope is 1.03e-7; the conditional sd (intercept held at 0) is of that order.
    expect(s[1]).toBeGreaterThan(1e-8);
    expect(s[1]).toBeLessThan(1e-6);
    ld.dispose();
  });

  it.each(['zeb2.glmm', 'eight_schools.glmm'])('leave %s at Stan\'s unit scale (steep at 0 is not steep at the mode)', async (name) => {
    const ld = await loadRepoModel(name).logDensity({ backend: 'js' });
    expect(curvatureScales(ld)).toBeUndefined();
    ld.dispose();
  });

  it('the scaled density is the same density in theta / scales', async () => {
    const ld = await loadModel(`${CASE}model.glmm`).logDensity({ backend: 'js' });
    const scales = Float64Array.of(0.5, 1e-7);
    const scaled = scaledDensity(ld, scales);
    const t = Float64Array.of(0.9, 14);
    const theta = Float64Array.of(0.45, 1.4e-6);
    const a = scaled.valueAndGrad(t);
    const b = ld.valueAndGrad(theta);
    expect(a.value).toBe(b.value);
    expect(Array.from(a.grad)).toEqual([b.grad[0] * 0.5, b.grad[1] * 1e-7]);
    const into = new Float64Array(2);
    expect(scaled.valueAndGradInto!(t, into)).toBe(b.value);
    expect(Array.from(into)).toEqual(Array.from(a.grad));
    expect(Array.from(scaled.constrain(t))).toEqual(Array.from(ld.constrain(theta)));
    const back = scaled.unconstrain(ld.constrain(theta));
    expect(back[0]).toBeCloseTo(0.9, 12);
    expect(back[1]).toBeCloseTo(14, 8);
    expect(scaled.constant).toBeCloseTo(ld.constant + Math.log(0.5) + Math.log(1e-7), 10);
    ld.dispose();
  });

  it('NUTS on the unscaled covariate agrees with the long Stan run (which had to rescale by hand)', async () => {
    const ref = JSON.parse(readFileSync(`${CASE}reference.json`, 'utf8')).stan.summary as Record<string, { mean: number; sd: number }>;
    const fit = await inferFit(loadModel(`${CASE}model.glmm`), { engine: 'nuts', seed: 1 });
    expect(fit.warnings).toEqual([]);
    for (const name of ['(Intercept)', 'x']) {
      const row = fit.summary.find((r) => r.name === name)!;
      expect(Math.abs(row.mean - ref[name].mean) / ref[name].sd, name).toBeLessThan(0.1);
      expect(row.sd / ref[name].sd, name).toBeGreaterThan(0.9);
      expect(row.sd / ref[name].sd, name).toBeLessThan(1.1);
      expect(row.rhat!, name).toBeLessThan(1.01);
    }
  });
});
