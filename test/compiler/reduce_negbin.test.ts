import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { createRng } from '../../src/core/rng.js';
import { negativeBinomial } from '../../src/distributions/sample.js';
import { emitJs } from '../../src/compiler/js/emit.js';
import { emitCompiledJs } from '../../src/compiler/codegen/compiled.js';
import { curvatureOf } from '../../src/compiler/latent/curvature.js';
import { constantJet, jetOps, seedJet } from '../../src/distributions/jet_ops.js';

/**
 * A negative binomial GLMM shaped like a single-cell gene (a cell group, a patient, log total counts as
 * the offset, most counts 0), reduced to (group, patient) cells with tabulated sums (negbin_cells.ts).
 */
const rng = createRng(21);
const groups = 6;
const patients = 8;
const beta = Array.from({ length: groups }, () => -7 + 0.8 * rng.normal());
const u = Array.from({ length: patients }, () => 0.4 * rng.normal());
const rows = Array.from({ length: 3000 }, () => {
  const g = Math.floor(rng.uniform() * groups);
  const p = Math.floor(rng.uniform() * patients);
  const total = Math.round(500 + 4500 * rng.uniform());
  return `${negativeBinomial(rng, Math.exp(beta[g] + u[p]) * total, 3)},${total},g${g},p${p}`;
});
const csv = ['y,total,g,p', ...rows].join('\n');
const source = `data { y: count total: positive g: factor p: factor }
parameters {
  sigma ~ HalfNormal(1)
  phi ~ Exponential(0.1)
  b[g] ~ Normal(0, 10)
  u[p] ~ Normal(0, sigma)
}
model { y ~ NegativeBinomial(log_mean = b[g] + u[p] + log(total), dispersion = phi) }`;
const model = (options: { reduce?: boolean; ml?: boolean } = {}) => compile(source, { fileName: 'nb.glmm', data: { text: csv, file: 'nb.csv' }, ...options });

describe('negative binomial rows reduced to cells', () => {
  const reduced = model({ reduce: true });
  const points = Array.from({ length: 6 }, () => Float64Array.from({ length: reduced.ir.dim }, (_, i) => (i < 2 ? 0.5 * rng.normal() : -7 + rng.normal())));

  it('reduces 3,000 rows to the (group, patient) cells', () => {
    expect(reduced.reduction).toMatchObject({ path: 'reduced', rows: 3000, factors: ['g', 'p'] });
    expect(reduced.ir.data.nRows).toBeLessThanOrEqual(groups * patients);
  });

  it('the row-wise value (1e-10 relative) and gradient (1e-6 of its largest) from phi = e^-6 (the means 1,000 times phi) to e^18 (Poisson)', () => {
    const red = emitJs(reduced.ir);
    const row = emitJs(reduced.rowwiseIr);
    const c = red.thetaNames.indexOf('log(phi)');
    for (const logPhi of [-6, -2, 0, 3, 8, 18]) {
      for (const p of points) {
        const q = Float64Array.from(p);
        q[c] = logPhi;
        const a = red.valueAndGrad(q);
        const b = row.valueAndGrad(q);
        expect(Math.abs((a.value + red.constant) / (b.value + row.constant) - 1)).toBeLessThan(1e-10);
        const scale = Math.max(...b.grad.map(Math.abs));
        b.grad.forEach((g, i) => expect(Math.abs(a.grad[i] - g)).toBeLessThan(1e-6 * scale));
      }
    }
  });

  it('generated code and the tape give the same value and gradient (1e-12)', () => {
    const tape = emitJs(reduced.ir);
    const gen = emitCompiledJs(reduced.ir);
    expect(gen.generated).toBe(true);
    for (const p of points) {
      const a = tape.valueAndGrad(p);
      const b = gen.valueAndGrad(p);
      expect(Math.abs(a.value - b.value)).toBeLessThan(1e-12 * Math.abs(a.value));
      const scale = Math.max(...a.grad.map(Math.abs));
      a.grad.forEach((g, i) => expect(Math.abs(g - b.grad[i])).toBeLessThan(1e-12 * scale));
    }
  });

  it('the closed-form curvature in eta equals the Taylor jets of the kernel', () => {
    const lik = reduced.ir.likelihoods[0];
    const y = reduced.ir.data.numeric.get(lik.column)!;
    const n = y.length;
    const z = Float64Array.from({ length: n }, () => -7 + rng.normal());
    const phi = 2.5;
    const [w, dw] = [new Float64Array(n), new Float64Array(n)];
    curvatureOf(lik, 0)(z, y, [z, phi], w, dw);
    const jet = lik.form.kernel(jetOps, constantJet(y), [seedJet(z), constantJet(phi)]);
    const [, d2, d3] = jet.d!;
    for (let r = 0; r < n; r++) {
      expect(w[r]).toBeCloseTo(-(d2 as Float64Array)[r], 10);
      expect(dw[r]).toBeCloseTo(-(d3 as Float64Array)[r], 10);
    }
  });

  it('--ml: the same estimates, SEs and log-likelihood as the row-wise model', async () => {
    const [a, b] = await Promise.all([model({ ml: true, reduce: true }), model({ ml: true, reduce: false })].map((m) => inferFit(m, { engine: 'laplace', backend: 'js' })));
    expect(b.summary.map((r) => r.name)).toEqual(a.summary.map((r) => r.name));
    a.summary.forEach((r, k) => {
      const s = b.summary[k];
      // Within 1e-4 of an SE: the tables' error (1e-10 of the log-likelihood) is far below the optimizers' tolerance.
      expect(Math.abs(r.mean - s.mean)).toBeLessThan(1e-4 * s.sd);
      expect(Math.abs(r.sd / s.sd - 1)).toBeLessThan(1e-4);
    });
    expect((a.diagnostics as { logLik: number }).logLik).toBeCloseTo((b.diagnostics as { logLik: number }).logLik, 6);
  });
});
