import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { DENSE_FRAME_MAX } from '../../../src/engines/vi/frame.js';
import { compileText } from '../../helpers.js';
import { messages } from '../../../src/core/warning.js';

// Above DENSE_FRAME_MAX parameters advi whitens by the nested fit's marginal sds alone (a dense frame
// costs dim^3 to make and dim^2 per draw): it must still land on the nested fit's means.
describe('advi on a model too large for a dense frame', () => {
  it('runs with the diagonal frame and agrees with the nested Laplace fit on the means', async () => {
    const groups = DENSE_FRAME_MAX + 100;
    const rows = Array.from({ length: groups }, (_, i) => `g${i},${(1.5 * Math.sin(7.3 * i)).toFixed(4)}`);
    const model = compileText('data { g: factor\n y: real }\nparameters {\n mu ~ Normal(0, 5)\n tau ~ HalfNormal(2)\n u[g] ~ Normal(0, tau)\n}\nmodel { y ~ Normal(mu + u[g], 1) }',
      ['g,y', ...rows].join('\n') + '\n');
    expect(model.ir.dim).toBeGreaterThan(DENSE_FRAME_MAX);
    const [laplace, advi] = [await inferFit(model, { engine: 'laplace', seed: 1 }), await inferFit(model, { engine: 'advi', seed: 1 })];
    for (const name of ['mu', 'u[g0]', 'u[g7]', `u[g${groups - 1}]`]) {
      const a = advi.summary.find((r) => r.name === name)!;
      const l = laplace.summary.find((r) => r.name === name)!;
      expect(Math.abs(a.mean - l.mean) / l.sd, name).toBeLessThan(0.25);
    }
    // The scale is where mean-field is wrong in a hierarchy (its sd far too small): the warning says so.
    expect(messages(advi.warnings).join('\n')).toMatch(/log\(tau\)/);
  }, 120_000);
});
