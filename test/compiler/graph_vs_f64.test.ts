import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { logKernelF64 } from '../../src/compiler/eval_f64.js';
import { compileText } from '../helpers.js';
import { csv, header, models } from './family_models.js';

const rng = createRng(8);

describe.each(Object.entries(models))('tfjs graph vs float64 evaluator: %s', (_name, body) => {
  const model = compileText(`${header}\n${body}`, csv);
  const d = model.ir.dim;
  const points = Array.from({ length: 4 }, () => Float64Array.from({ length: d }, () => 0.6 * rng.normal()));

  // The bar: relative error <= 1e-4 against a float64 computation.
  it('values agree (relative 1e-4)', async () => {
    const ld = await model.logDensity();
    const vals = ld.valueBatch(points);
    points.forEach((p, k) => {
      const ref = logKernelF64(model.ir, p);
      expect(Math.abs(vals[k] - ref)).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref)));
    });
    ld.dispose();
  });

  it('gradients agree with central finite differences of the float64 evaluator', async () => {
    const ld = await model.logDensity();
    const h = 1e-6;
    for (const p of points) {
      const { grad } = ld.valueAndGrad(p);
      for (let i = 0; i < d; i++) {
        const up = Float64Array.from(p);
        const dn = Float64Array.from(p);
        up[i] += h;
        dn[i] -= h;
        const fd = (logKernelF64(model.ir, up) - logKernelF64(model.ir, dn)) / (2 * h);
        expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
      }
    }
    ld.dispose();
  });
});
