import { describe, expect, it } from 'vitest';
import { makeField, type FieldMode } from '../../../src/engines/nested/field.js';
import { LaplaceMarginal } from '../../../src/engines/nested/marginal.js';
import { loadModel } from '../../../src/io/load_model.js';
import { ROOT } from '../../helpers.js';

// The Laplace marginal's gradient with its trace terms from d log det H / d theta in one pass (the
// weights' dw/dz times each row's leverage, and differences of the weights in their other parameters)
// and, under ML, d(grad_x f)/d(fixed effect) from the Hessian's cross block, d(grad_x f)/d(scale, dispersion)
// from the scores' closed-form slopes (a prior's sd, a Normal's sigma, a negative binomial's phi), against the same gradient
// with the traces from central differences of the exact Hessian and the mixed derivatives from central
// differences of exact gradients.
const MODELS = [
  'test/battery/cbpp/model.glmm', 'test/battery/crossed_bernoulli/model.glmm', 'test/battery/grouseticks/model.glmm',
  'test/battery/poisson_year/model.glmm', 'test/battery/seeds/model.glmm', 'test/battery/near_zero_sd/model.glmm',
  'test/models/negbin_offset.glmm', 'models/genes_nb.glmm', 'models/zeb2_formula.glmm',
];

describe('the marginal gradient with one-pass traces', () => {
  describe.each(MODELS)('%s', (file) => {
    it.each(['ml', 'posterior'] as FieldMode[])('%s: equals the differenced one to 1e-6', async (mode) => {
      const ld = await loadModel(`${ROOT}${file}`, { ml: mode === 'ml' }).logDensity({ backend: 'js' });
      const field = makeField(ld, mode);
      expect(field.hessian.thetaLogDetGradient).toBeDefined();
      if (mode === 'ml' && (ld.linear ?? []).length > 0) expect(field.cross).toBeDefined();
      const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
      const point = L.at(Float64Array.from(field.outer, (_, j) => 0.3 * Math.sin(j + 1)));
      if ('failure' in point) throw new Error(`${file}: the marginal fails at the test point`);
      const scale = L.scales(point.inner.theta);
      const onePass = L.gradient(point, scale);
      L.differencedTraces = true;
      L.differencedCross = true;
      const differenced = L.gradient(point, scale);
      for (let j = 0; j < onePass.length; j++) {
        expect(Math.abs(onePass[j] - differenced[j]), `d/d${ld.thetaNames[field.outer[j]]}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(differenced[j])));
      }
      ld.dispose();
    });
  });
});

describe('the marginal gradient where a scale enters the predictor (correlated non-centred slopes)', () => {
  // u = L(sd, cor) z: the predictor's coefficients read the sds and the correlation, so their mixed
  // columns are not the scores' slopes alone: they must stay differenced (a closed form that took them
  // as 0 moved the correlation of this fit by 0.3 SE).
  it.each(['ml', 'posterior'] as FieldMode[])('%s: equals the differenced one to 1e-6', async (mode) => {
    const ld = await loadModel(`${ROOT}test/battery/poisson_large_counts/model.glmm`, { ml: mode === 'ml' }).logDensity({ backend: 'js' });
    const field = makeField(ld, mode);
    const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
    const point = L.at(Float64Array.from(field.outer, (_, j) => 0.3 * Math.sin(j + 1)));
    if ('failure' in point) throw new Error('the marginal fails at the test point');
    const scale = L.scales(point.inner.theta);
    const closed = L.gradient(point, scale);
    L.differencedCross = true;
    const differenced = L.gradient(point, scale);
    for (let j = 0; j < closed.length; j++) {
      expect(Math.abs(closed[j] - differenced[j]), `d/d${ld.thetaNames[field.outer[j]]}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(differenced[j])));
    }
    ld.dispose();
  });
});
