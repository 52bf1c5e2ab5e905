import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { compile } from '../../../src/api/compile.js';
import { createRng } from '../../../src/core/rng.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/*
 * Two formulas in one model (two responses): each one's parameters carry its response, as brms names a
 * multivariate model's (`y1_b_Intercept`, shown `y1: (Intercept)`); before, the second intercept stopped
 * the model with "b_Intercept is taken". Nothing is shared, so --ml equals the two separate fits.
 */
const rng = createRng('two-responses');
const u = Array.from({ length: 12 }, () => 0.5 * rng.normal());
const rows = Array.from({ length: 240 }, (_, i) => {
  const x = rng.normal();
  const k = Math.round(Math.exp(1 + 0.3 * x + u[i % 12]) + rng.normal());
  return `${Math.max(0, k)},${(2 - 0.5 * x + u[i % 12] + rng.normal()).toFixed(4)},${x.toFixed(4)},g${i % 12}`;
});
const data = ['y1,y2,x,g', ...rows].join('\n');
const head = 'data "d.csv" { y1: count  y2: real  x: real  g: factor }';

describe('several formulas in one model', () => {
  it('names each formula\'s parameters by its response, and --ml equals the separate fits', async () => {
    const model = compile(`${head}\nmodel {\n  y1 ~ poisson(1 + x + (1 | g))\n  y2 ~ gaussian(1 + x + (1 | g))\n}`, { data, ml: true });
    expect(model.ir.params.slice(0, 2).map((p) => p.name)).toEqual(['y1_b_Intercept', 'y1_b_x']);
    const both = await inferFit(model, { engine: 'laplace' });
    const one = await inferFit(compile(`${head}\nmodel { y1 ~ poisson(1 + x + (1 | g)) }`, { data, ml: true }), { engine: 'laplace' });
    const two = await inferFit(compile(`${head}\nmodel { y2 ~ gaussian(1 + x + (1 | g)) }`, { data, ml: true }), { engine: 'laplace' });
    expect(both.names.slice(0, 2)).toEqual(['y1: (Intercept)', 'y1: x']);
    for (const [fit, response] of [[one, 'y1'], [two, 'y2']] as const) {
      for (const r of fit.summary.filter((s) => !s.name.startsWith('g['))) {
        const joint = both.summary.find((s) => s.name === `${response}: ${r.name}`)!;
        expect(Math.abs(joint.mean - r.mean) / r.sd, r.name).toBeLessThan(1e-3);
        expect(Math.abs(joint.sd / r.sd - 1), r.name).toBeLessThan(1e-3);
      }
    }
    const sum = (diagnosticsOf(one.diagnostics, 'ml').logLik) + (diagnosticsOf(two.diagnostics, 'ml').logLik);
    expect(diagnosticsOf(both.diagnostics, 'ml').logLik).toBeCloseTo(sum, 4);
  });
});
