import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { logKernelF64 } from '../../src/compiler/eval_f64.js';
import { hostConstant, paramNames } from '../../src/compiler/layout.js';
import { emitJs } from '../../src/compiler/js/emit.js';
import { emitTfjs } from '../../src/compiler/tfjs/emit.js';
import { initTfjs } from '../../src/compiler/tfjs/backend.js';
import type { ModelIR } from '../../src/compiler/ir.js';
import { ROOT, compileText, loadRepoModel } from '../helpers.js';
import { csv, header, models } from './family_models.js';

const rng = createRng(7);

const randomPoints = (d: number): Float64Array[] => Array.from({ length: 4 }, () => Float64Array.from({ length: d }, () => 0.6 * rng.normal()));

/**
 * tfjs (float32) and the JS emitter agree: value to 1e-5 relative, gradient to 1e-4 of its largest component.
 * The value's bar is relative to max(|value|, rows): float32 rounding is per row, and where rows cancel the
 * total can be far smaller than its terms (betaLik: a total of -1.6 from 40 rows whose scalar lgamma
 * normaliser, rounded once in float32, repeats its 2e-6 error on every row: 7e-5 off, exactly as tfjs
 * is from logKernelF64).
 */
function expectAgreesWithTfjs(ir: ModelIR, points: Float64Array[]): void {
  const js = emitJs(ir);
  const tf = emitTfjs(ir);
  expect(js.constant).toBe(tf.constant);
  expect(js.thetaNames).toEqual(tf.thetaNames);
  const a = js.valueAndGradBatch(points);
  const b = tf.valueAndGradBatch(points);
  points.forEach((_, k) => {
    expect(Math.abs(a[k].value - b[k].value)).toBeLessThan(1e-5 * Math.max(Math.abs(a[k].value), ir.data.nRows));
    const scale = Math.max(...a[k].grad.map(Math.abs));
    for (let i = 0; i < ir.dim; i++) expect(Math.abs(a[k].grad[i] - b[k].grad[i])).toBeLessThan(1e-4 * scale);
  });
  tf.dispose();
}

/** The gradient of the float64 evaluator by central differences of step h. */
function centralDifferences(ir: ModelIR, p: Float64Array, h: number): Float64Array {
  return Float64Array.from({ length: ir.dim }, (_, i) => {
    const up = Float64Array.from(p);
    const dn = Float64Array.from(p);
    up[i] += h;
    dn[i] -= h;
    return (logKernelF64(ir, up) - logKernelF64(ir, dn)) / (2 * h);
  });
}

beforeAll(async () => {
  await initTfjs();
});

describe.each(Object.entries(models))('JS emitter: %s', (_name, body) => {
  const model = compileText(`${header}\n${body}`, csv);
  const ir = model.ir;
  const points = randomPoints(ir.dim);

  it('value equals the float64 evaluator (relative 1e-12), with and without the gradient', () => {
    const ld = emitJs(ir);
    const values = ld.valueBatch(points);
    points.forEach((p, k) => {
      const ref = logKernelF64(ir, p);
      expect(Math.abs(ld.valueAndGrad(p).value - ref)).toBeLessThanOrEqual(1e-12 * Math.abs(ref));
      expect(Math.abs(values[k] - ref)).toBeLessThanOrEqual(1e-12 * Math.abs(ref));
    });
  });

  it('gradient equals central finite differences of the float64 evaluator (h = 1e-6, relative 1e-6)', () => {
    const ld = emitJs(ir);
    const h = 1e-6;
    for (const p of points) {
      const { grad } = ld.valueAndGrad(p);
      const fd = centralDifferences(ir, p, h);
      for (let i = 0; i < ir.dim; i++) expect(Math.abs(grad[i] - fd[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd[i])));
    }
  });

  it('agrees with the tfjs emitter', () => expectAgreesWithTfjs(ir, points));
});

interface Point { theta: number[]; log_density: number; gradient: number[] }
const ref = JSON.parse(readFileSync(`${ROOT}test/fixtures/zeb2/logdensity_points.json`, 'utf8')) as {
  theta_layout: string[];
  models: Record<string, Point[]>;
};

// Both the IR the engines run on (reduced to 160 (group, patient) cells) and the row-wise one (68,627 rows).
describe.each([
  ['zeb2', 'zeb2.glmm', true], ['zeb2', 'zeb2.glmm', false], ['zeb2_tfp', 'zeb2_tfp.glmm', true], ['zeb2_tfp', 'zeb2_tfp.glmm', false],
] as const)('JS emitter on ZEB2 (%s, reduced: %s)', (key, file, reduce) => {
  const ir = loadRepoModel(file, { reduce }).ir;
  // The reference orders theta its own way: map it to this model's layout by coordinate name.
  const at = paramNames(ir).theta.map((n) => ref.theta_layout.indexOf(n));
  const toMine = (v: number[]): Float64Array => Float64Array.from(at, (i) => v[i]);
  const points = ref.models[key];

  it('equals the independent float64 reference: value + constant (relative 1e-12), gradient (relative 1e-9)', () => {
    expect(at.every((i) => i >= 0)).toBe(true);
    const ld = emitJs(ir);
    expect(ld.constant).toBe(hostConstant(ir));
    for (const p of points) {
      const { value, grad } = ld.valueAndGrad(toMine(p.theta));
      expect(Math.abs(value + ld.constant - p.log_density)).toBeLessThan(1e-12 * Math.abs(p.log_density));
      const g = toMine(p.gradient);
      for (let i = 0; i < g.length; i++) expect(Math.abs(grad[i] - g[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(g[i])));
    }
    ld.dispose();
  });

  it('agrees with the tfjs emitter', () => expectAgreesWithTfjs(ir, points.slice(0, 3).map((p) => toMine(p.theta))));
});

describe('JS emitter on 10,000 rows: every family', () => {
  // The 40 rows repeated: value and gradient stay exact when the row sums are long.
  const lines = csv.split('\n');
  const big = [lines[0], ...Array.from({ length: 10_000 }, (_, i) => lines[1 + (i % (lines.length - 1))])].join('\n');
  it.each(Object.entries(models))('%s', (_name, body) => {
    const ir = compileText(`${header}\n${body}`, big).rowwiseIr;
    expect(ir.data.nRows).toBe(10_000);
    const ld = emitJs(ir);
    const h = 1e-6;
    for (const p of randomPoints(ir.dim).slice(0, 2)) {
      const ref = logKernelF64(ir, p);
      const { value, grad } = ld.valueAndGrad(p);
      expect(Math.abs(value - ref)).toBeLessThanOrEqual(1e-11 * Math.abs(ref));
      expect(Math.abs(ld.valueBatch([p])[0] - ref)).toBeLessThanOrEqual(1e-11 * Math.abs(ref));
      const fd = centralDifferences(ir, p, h);
      for (let i = 0; i < ir.dim; i++) expect(Math.abs(grad[i] - fd[i]), `d/dtheta[${i}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd[i])));
    }
  });
});
