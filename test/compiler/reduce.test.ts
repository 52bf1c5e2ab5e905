import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { logKernelF64 } from '../../src/compiler/eval_f64.js';
import { hostConstant } from '../../src/compiler/layout.js';
import { loadRepoModel } from '../helpers.js';
import { compile } from '../../src/api/compile.js';
import { emitTfjs } from '../../src/compiler/tfjs/emit.js';
import { initTfjs } from '../../src/compiler/tfjs/backend.js';
import type { ModelIR } from '../../src/compiler/ir.js';

/** Float64 normalised log density: what the reduced and row-wise IRs must agree on. */
const full = (ir: ModelIR, theta: Float64Array): number => logKernelF64(ir, theta) + hostConstant(ir);

describe('exact data reduction on ZEB2', () => {
  const model = loadRepoModel('zeb2.glmm', { reduce: true });
  const rng = createRng(99);
  // 20 random points around the posterior: beta near -9, u near 0, log(sigma) near -1.6.
  const points = Array.from({ length: 20 }, () => Float64Array.from({ length: model.ir.dim }, (_, i) => {
    const name = model.ir.params.find((p) => i >= p.offset && i < p.offset + p.size)!.name;
    return name === 'beta' ? -9 + 0.7 * rng.normal() : name === 'u' ? 0.3 * rng.normal() : -1.6 + 0.5 * rng.normal();
  }));

  it('reduces 68,627 rows to 160 cells', () => {
    expect(model.reduction).toEqual({ path: 'reduced', rows: 68627, cells: 160, factors: ['cell_group', 'patient_assignment'] });
  });

  it('float64: the same normalised value (rel 1e-12) and gradient (by finite differences) at 20 points', () => {
    for (const p of points) {
      const a = full(model.ir, p);
      const b = full(model.rowwiseIr, p);
      expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-12);
    }
  });

  it('tfjs: reduced and row-wise graphs agree on value (up to the constant) and gradient at 20 points', async () => {
    await initTfjs();
    const red = emitTfjs(model.ir);
    const row = emitTfjs(model.rowwiseIr);
    const a = red.valueAndGradBatch(points);
    const b = row.valueAndGradBatch(points);
    points.forEach((_, k) => {
      expect(Math.abs(a[k].value + red.constant - (b[k].value + row.constant)) / Math.abs(b[k].value + row.constant)).toBeLessThan(1e-6);
      const scale = Math.max(...b[k].grad.map(Math.abs));
      for (let i = 0; i < model.ir.dim; i++) expect(Math.abs(a[k].grad[i] - b[k].grad[i])).toBeLessThan(1e-4 * scale);
    });
    red.dispose();
    row.dispose();
  });
});

describe('models that stay row-wise', () => {
  const csv = ['y,x,g,e,w', ...Array.from({ length: 30 }, (_, i) => `${i % 4},${(i % 7) / 3},g${i % 3},${1 + (i % 5)},${10 * i - 150}`)].join('\n');
  it.each([
    ['a per-row covariate', 'data { y: count x: real g: factor } parameters { a[g] ~ Normal(0, 1) b ~ Normal(0, 1) } model { y ~ Poisson(log_rate = a[g] + b * x) }',
      "the log rate of 'y' has a per-row covariate"],
    ['a NegativeBinomial dispersion per row', 'data { y: count x: real g: factor } parameters { a[g] ~ Normal(0, 1) phi ~ Exponential(1) } model { y ~ NegativeBinomial(log_mean = a[g], dispersion = phi * exp(x)) }',
      "the log mean or dispersion of 'y' has a per-row covariate"],
    ['a NegativeBinomial by its mean', 'data { y: count g: factor } parameters { a[g] ~ Normal(0, 1) phi ~ Exponential(1) } model { y ~ NegativeBinomial(mean = exp(a[g]), dispersion = phi) }',
      'NegativeBinomial (mean, dispersion) likelihoods are evaluated row by row'],
    ['a NegativeBinomial with offsets far apart', 'data { y: count w: real g: factor } parameters { a[g] ~ Normal(0, 1) phi ~ Exponential(1) } model { y ~ NegativeBinomial(log_mean = a[g] + w, dispersion = phi) }',
      "the offsets of 'y' differ by up to 270 within a cell (a table over that range would not fit)"],
  ])('%s', (_n, src, reason) => {
    const m = compile(src, { fileName: 'test.glmm', data: { text: csv, file: 'test.csv' }, reduce: true });
    expect(m.reduction).toEqual({ path: 'rowwise', rows: 30, reason });
    expect(m.ir).toBe(m.rowwiseIr);
  });

});

describe('each reducible family reduces exactly (float64 value and finite-difference gradient)', () => {
  const rng = createRng(4);
  const csv = ['y,b,n,k,z,e,g,h', ...Array.from({ length: 60 }, (_, i) => {
    const n = 2 + (i % 4);
    return [i % 5, i % 2, n, i % (n + 1), (rng.normal() + (i % 3)).toFixed(3), (0.5 + rng.uniform()).toFixed(3), `g${i % 3}`, `h${i % 4}`].join(',');
  })].join('\n');
  const head = 'data { y: count b: binary n: count k: count z: real e: positive g: factor h: factor }';
  it.each([
    ['Poisson with offsets', 'parameters { a[g] ~ Normal(0, 1) c[h] ~ Normal(0, 1) } model { y ~ Poisson(log_rate = a[g] + log(e) - c[h] - 0.5 * log(e) + 1) }'],
    ['Bernoulli', 'parameters { a[g] ~ Normal(0, 1) c[h] ~ Normal(0, 1) } model { b ~ Bernoulli(logit = a[g] - c[h]) }'],
    ['Binomial', 'parameters { a[g] ~ Normal(0, 1) s ~ HalfNormal(1) } model { k ~ Binomial(trials = n, logit = s * a[g]) }'],
    ['Normal with a cell-level sd', 'parameters { a[g] ~ Normal(0, 1) s[h] ~ HalfNormal(1) } model { z ~ Normal(a[g], s[h]) }'],
    // Negative binomial cells are exact at the nodes of their tables and quintic between (negbin_cells.ts):
    // the value to 1e-10 of its size.
    ['NegativeBinomial with offsets', 'parameters { a[g] ~ Normal(0, 1) c[h] ~ Normal(0, 1) phi ~ Exponential(0.1) } model { y ~ NegativeBinomial(log_mean = a[g] + log(e) - c[h], dispersion = phi) }', 1e-10],
    ['NegativeBinomial with a dispersion per cell', 'parameters { a[g] ~ Normal(0, 1) phi[h] ~ Exponential(0.1) } model { y ~ NegativeBinomial(log_mean = a[g], dispersion = phi[h]) }', 1e-10],
  ])('%s', (_name, body, relative?: number) => {
    const m = compile(`${head}\n${body}`, { fileName: 'test.glmm', data: { text: csv, file: 'test.csv' }, reduce: true });
    expect(m.reduction.path).toBe('reduced');
    for (let k = 0; k < 5; k++) {
      const p = Float64Array.from({ length: m.ir.dim }, () => 0.8 * rng.normal());
      if (relative === undefined) expect(full(m.ir, p)).toBeCloseTo(full(m.rowwiseIr, p), 9);
      else expect(Math.abs(full(m.ir, p) / full(m.rowwiseIr, p) - 1)).toBeLessThan(relative);
      for (let i = 0; i < m.ir.dim; i++) {
        const h = 1e-5;
        const up = Float64Array.from(p);
        const dn = Float64Array.from(p);
        up[i] += h;
        dn[i] -= h;
        const gRed = (logKernelF64(m.ir, up) - logKernelF64(m.ir, dn)) / (2 * h);
        const gRow = (logKernelF64(m.rowwiseIr, up) - logKernelF64(m.rowwiseIr, dn)) / (2 * h);
        expect(gRed).toBeCloseTo(gRow, 5);
      }
    }
  });
});
