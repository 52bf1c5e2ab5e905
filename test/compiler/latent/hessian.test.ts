import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/io/load_model.js';
import { latentHessian } from '../../../src/compiler/latent/hessian.js';
import type { ModelIR } from '../../../src/compiler/ir.js';
import { createRng } from '../../../src/core/rng.js';
import { ROOT } from '../../helpers.js';
import { analyseCholesky } from '../../../src/math/sparse/index.js';

const MODELS = [
  'models/zeb2.glmm', 'models/zeb2_formula.glmm', 'models/eight_schools.glmm', 'models/eight_schools_nc.glmm',
  'test/models/bernoulli_nested.glmm', 'test/models/binomial_crossed.glmm', 'test/models/gaussian_slopes.glmm',
  'test/models/negbin_offset.glmm', 'test/models/constrained.glmm', 'test/models/lognormal.glmm',
  // Shared predictors inside non-linear arguments: curvature by jets through the arguments.
  'test/models/beta_block.glmm', 'test/models/gamma_block.glmm',
];

const xCoords = (ir: ModelIR): number[] =>
  ir.params.filter((p) => p.latent || p.linear).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k));

/** The dense lower triangle of a pattern's values. */
function dense(n: number, colPtr: Int32Array, rowIdx: Int32Array, v: Float64Array): Float64Array[] {
  const m = Array.from({ length: n }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) for (let k = colPtr[j]; k < colPtr[j + 1]; k++) m[rowIdx[k]][j] = m[j][rowIdx[k]] = v[k];
  return m;
}

describe('the structured latent Hessian', () => {
  for (const file of MODELS) {
    for (const variant of [{ reduce: true }, { reduce: false }, ...(file.includes('constrained') ? [] : [{ reduce: true, ml: true }])]) {
      it(`equals differences of the gradient: ${file} ${JSON.stringify(variant)}`, async () => {
        const model = loadModel(`${ROOT}${file}`, variant);
        const ld = await model.logDensity({ backend: 'js' });
        const coords = xCoords(model.ir);
        const h = latentHessian(model.ir, coords);
        expect(h).toBeDefined();
        const rng = createRng(7);
        const theta = Float64Array.from({ length: ld.dim }, () => 0.3 * rng.normal());
        const H = dense(coords.length, h!.pattern.colPtr, h!.pattern.rowIdx, h!.values(theta));
        let worst = 0;
        let scale = 0;
        coords.forEach((c, j) => {
          const step = 1e-5;
          const plus = Float64Array.from(theta);
          const minus = Float64Array.from(theta);
          plus[c] += step;
          minus[c] -= step;
          const gp = ld.valueAndGrad(plus).grad;
          const gm = ld.valueAndGrad(minus).grad;
          coords.forEach((r, i) => {
            const fd = -(gp[r] - gm[r]) / (2 * step);
            worst = Math.max(worst, Math.abs(fd - H[i][j]));
            scale = Math.max(scale, Math.abs(fd));
          });
        });
        ld.dispose();
        expect(worst / scale).toBeLessThan(1e-6);
      });
    }
  }
});

describe('the gradient of log det H in x', () => {
  for (const file of ['models/zeb2.glmm', 'test/models/bernoulli_nested.glmm', 'test/models/negbin_offset.glmm', 'test/models/gaussian_slopes.glmm',
    'test/models/beta_block.glmm', 'test/models/gamma_block.glmm']) {
    it(`equals differences of log det H: ${file}`, async () => {
      const model = loadModel(`${ROOT}${file}`, {});
      const coords = xCoords(model.ir);
      const h = latentHessian(model.ir, coords)!;
      const symbolic = analyseCholesky(h.pattern);
      const rng = createRng(3);
      const theta = Float64Array.from({ length: model.ir.dim }, () => 0.3 * rng.normal());
      const factor = symbolic.factor(h.values(theta));
      if ('notPositiveDefinite' in factor) throw new Error('not PD');
      const grad = h.logDetGradient!(theta, factor.selectedInverse());
      const logDet = (t: Float64Array): number => {
        const f = symbolic.factor(h.values(t));
        if ('notPositiveDefinite' in f) throw new Error('not PD');
        return f.logDet;
      };
      coords.forEach((c, k) => {
        // log det H is large on ZEB2 (H ~ 1e5): a wider step keeps rounding out of the difference.
        const step = 1e-3;
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[c] += step;
        minus[c] -= step;
        const fd = (logDet(plus) - logDet(minus)) / (2 * step);
        expect(Math.abs(grad[k] - fd)).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
      });
    });
  }
});
