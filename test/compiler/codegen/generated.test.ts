import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { logKernelF64 } from '../../../src/compiler/eval_f64.js';
import type { ModelIR } from '../../../src/compiler/ir.js';
import { emitJs } from '../../../src/compiler/js/emit.js';
import { emitCompiledJs, generateLogDensity } from '../../../src/compiler/codegen/compiled.js';
import { loadModel } from '../../../src/io/load_model.js';
import { ROOT, compileText } from '../../helpers.js';
import { csv, header, models } from '../family_models.js';

// The generated log density against the taped evaluator it replaces (emit.ts, the reference): value and
// gradient to 1e-12 relative, and the gradient against central differences of the float64 evaluator.
// On every model file of the repository (both the reduced and the row-wise IR) and every family. The
// generated code adds up the same numbers in the tape's order, so on all of these it is in fact equal
// to the last bit, which keeps every seed's draws as they were: that is checked too. The exception is a
// picked element (`a["g1"]`) next to a gather of the same vector, whose adjoints the tape adds up in
// another order than the generated loop (the 'levels' family): there the last bits may differ.

const rng = createRng(11);
const points = (d: number): Float64Array[] => Array.from({ length: 4 }, () => Float64Array.from({ length: d }, () => 0.6 * rng.normal()));

/** |a - b| <= tol |b|, with a floor of tol times the gradient's largest component (a component that cancels to near 0). */
function expectClose(a: Float64Array, b: Float64Array, tol: number, what: string): void {
  const scale = Math.max(...b.map(Math.abs));
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i]), `${what}[${i}]`).toBeLessThanOrEqual(tol * Math.max(Math.abs(b[i]), scale * 1e-3));
}

function expectMatchesTape(ir: ModelIR, fd: boolean, exact = true): void {
  const gen = generateLogDensity(ir);
  expect(gen, 'code is generated').toBeDefined();
  const tape = emitJs(ir);
  const grad = new Float64Array(ir.dim);
  for (const theta of points(ir.dim)) {
    const ref = tape.valueAndGrad(theta);
    const value = gen!.valueAndGradInto(theta, grad);
    expect(Math.abs(value - ref.value)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.value));
    expect(Math.abs(gen!.value(theta) - ref.value)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.value));
    expectClose(grad, ref.grad, 1e-12, 'gradient vs tape');
    if (exact) {
      expect(value).toBe(ref.value);
      expect([...grad]).toEqual([...ref.grad]);
    }
    // Central differences resolve the gradient only to about eps |f| / h: at |f| ~ 1e7 (5,000 cells at
    // rates in the thousands, models/genes.glmm at these points) that is 1e-3, above the tolerance, so
    // the check says nothing there and is skipped (a tenth of the tolerance is the cut-off). The tape
    // comparison above still holds every such point to 1e-12.
    const h = 1e-6;
    if (!fd || (Number.EPSILON * Math.abs(ref.value)) / h > 1e-6) continue;
    const diff = Float64Array.from({ length: ir.dim }, (_, i) => {
      const up = Float64Array.from(theta);
      const dn = Float64Array.from(theta);
      up[i] += h;
      dn[i] -= h;
      return (logKernelF64(ir, up) - logKernelF64(ir, dn)) / (2 * h);
    });
    for (let i = 0; i < ir.dim; i++) expect(Math.abs(grad[i] - diff[i]), `d/dtheta[${i}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(diff[i])));
  }
  tape.dispose();
}

const files = [
  ...readdirSync(`${ROOT}models`).filter((f) => f.endsWith('.glmm')).map((f) => `models/${f}`),
  ...readdirSync(`${ROOT}test/models`).filter((f) => f.endsWith('.glmm')).map((f) => `test/models/${f}`),
  ...readdirSync(`${ROOT}bench/models`).filter((f) => f.endsWith('.glmm')).map((f) => `bench/models/${f}`),
];

describe('generated log density on every model file', () => {
  it('finds the model files', () => expect(files.length).toBeGreaterThanOrEqual(12));
  describe.each(files)('%s', (file) => {
    const model = loadModel(`${ROOT}${file}`);
    const large = model.rowwiseIr.data.nRows > 10_000;
    it('reduced or as the engines run it: value and gradient equal the tape (1e-12), gradient equals finite differences', () => {
      expectMatchesTape(model.ir, !large);
    });
    it('row-wise: value and gradient equal the tape (1e-12)', () => expectMatchesTape(model.rowwiseIr, false));
  });
});

describe.each(Object.entries(models))('generated log density, family %s', (name, body) => {
  it('value and gradient equal the tape (1e-12) and finite differences', () => {
    expectMatchesTape(compileText(`${header}\n${body}`, csv).ir, true, name !== 'levels');
  });
});

describe('the engines get the generated code', () => {
  it('through emitCompiledJs, with valueAndGradInto, and the taped evaluator for everything else', () => {
    const ir = loadModel(`${ROOT}models/eight_schools_nc.glmm`).ir;
    const ld = emitCompiledJs(ir);
    expect(ld.generated).toBe(true);
    const theta = points(ir.dim)[0];
    const into = new Float64Array(ir.dim);
    const value = ld.valueAndGradInto!(theta, into);
    const { value: v2, grad } = ld.valueAndGrad(theta);
    expect(v2).toBe(value);
    expect([...grad]).toEqual([...into]);
    expect(ld.valueBatch([theta])[0]).toBe(value);
    expect(ld.names).toEqual(emitJs(ir).names);
  });
});

describe('where the platform forbids making code (a page whose Content-Security-Policy lacks unsafe-eval)', () => {
  it('falls back to the taped evaluator, with the same numbers', () => {
    const ir = loadModel(`${ROOT}models/eight_schools.glmm`).ir;
    const real = globalThis.Function;
    const refuse = function refuse(): never {
      throw new EvalError('Refused to evaluate a string as JavaScript because unsafe-eval is not allowed');
    };
    globalThis.Function = refuse as unknown as FunctionConstructor;
    let ld: ReturnType<typeof emitCompiledJs>;
    try {
      expect(generateLogDensity(ir)).toBeUndefined();
      ld = emitCompiledJs(ir);
    } finally {
      globalThis.Function = real;
    }
    expect(ld.generated).toBe(false);
    const theta = points(ir.dim)[0];
    expect(ld.valueAndGrad(theta)).toEqual(emitJs(ir).valueAndGrad(theta));
  });
});
