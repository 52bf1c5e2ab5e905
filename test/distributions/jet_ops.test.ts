import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS } from '../../src/distributions/catalog.js';
import { f64Ops } from '../../src/distributions/f64_ops.js';
import { constantJet, jetOps, seedJet, JetUnsupported } from '../../src/distributions/jet_ops.js';

// Every kernel of the catalogue, differentiated by the jets in each argument, against central differences
// of the float64 kernel: the second and third derivatives the latent Hessian and its log-determinant use.
const ARG: Record<string, number> = { real: 0.37, positive: 1.7, unit: 0.3, count: 6 };
const X: Record<string, number> = { real: 0.8, positive: 1.3, unit: 0.4, count: 3, binary: 1, interval: 0.5, correlation: 0.2 };

describe('third-order jets of the catalogue kernels', () => {
  for (const d of DISTRIBUTIONS) {
    d.forms.forEach((form, f) => {
      form.args.forEach((spec, k) => {
        if (spec.support === 'count') return;
        it(`${d.name} form ${f}, argument ${spec.name}`, () => {
          const x = d.name === 'Uniform' ? 0.5 : X[d.support];
          const base = form.args.map((a) => (d.name === 'Uniform' ? (a.name === 'lower' ? 0 : 1) : ARG[a.support]));
          const kernel = (v: number): number => form.kernel(f64Ops, x, base.map((b, j) => (j === k ? v : b))) as number;
          let jet;
          try {
            jet = form.kernel(jetOps, constantJet(x), base.map((b, j) => (j === k ? seedJet(b) : constantJet(b))));
          } catch (e) {
            // lgamma of a varying argument: the latent Hessian then falls back to differences.
            expect(e).toBeInstanceOf(JetUnsupported);
            return;
          }
          const v = base[k];
          const h = 1e-3;
          const d1 = (kernel(v + h) - kernel(v - h)) / (2 * h);
          const d2 = (kernel(v + h) - 2 * kernel(v) + kernel(v - h)) / (h * h);
          const d3 = (kernel(v + 2 * h) - 2 * kernel(v + h) + 2 * kernel(v - h) - kernel(v - 2 * h)) / (2 * h ** 3);
          expect(jet.v as number).toBeCloseTo(kernel(v), 12);
          const [j1, j2, j3] = (jet.d ?? [0, 0, 0]) as number[];
          expect(Math.abs(j1 - d1)).toBeLessThan(1e-5 * (1 + Math.abs(d1)));
          expect(Math.abs(j2 - d2)).toBeLessThan(1e-4 * (1 + Math.abs(d2)));
          expect(Math.abs(j3 - d3)).toBeLessThan(1e-3 * (1 + Math.abs(d3)));
        });
      });
    });
  }
});
