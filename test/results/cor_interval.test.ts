import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { createRng } from '../../src/core/rng.js';

// A correlation of a block of three terms is derived from the canonical partial correlations, and under
// --ml its SE comes by the delta method. Its Wald interval r +- 1.96 SE passed 1 near a singular block
// (0.994 +- 0.028 here); on Fisher's scale, tanh(atanh(r) +- 1.96 SE / (1 - r^2)), it stays inside.
describe('ML intervals of derived correlations', () => {
  it('stay inside [-1, 1] and around the estimate when the block is near singular', async () => {
    const rng = createRng(3);
    const rows = ['y,x,w,g'];
    for (let j = 0; j < 12; j++) {
      const z = rng.normal();
      const e = rng.normal();
      const f = rng.normal();
      const u0 = z;
      const u1 = 0.5 * (0.97 * z + Math.sqrt(1 - 0.97 ** 2) * e);
      const u2 = 0.5 * f;
      for (let i = 0; i < 8; i++) {
        const x = rng.normal();
        const w = rng.normal();
        rows.push(`${(1 + u0 + (0.5 + u1) * x + (0.3 + u2) * w + 0.5 * rng.normal()).toFixed(5)},${x.toFixed(4)},${w.toFixed(4)},g${j}`);
      }
    }
    const m = compile('data "d.csv" { y: real  x: real  w: real  g: factor }\nmodel { y ~ gaussian(1 + x + w + (1 + x + w | g)) }', { data: rows.join('\n'), ml: true });
    const fit = await inferFit(m, { engine: 'laplace' });
    const cors = fit.summary.filter((r) => r.name.startsWith('cor['));
    expect(cors).toHaveLength(3);
    const near = cors.find((r) => r.name === 'cor[g, (Intercept), x]')!;
    // The case this is about: a Wald interval would pass 1.
    expect(near.mean + 1.96 * near.sd).toBeGreaterThan(1);
    for (const r of cors) {
      expect(r.q2_5).toBeGreaterThanOrEqual(-1);
      expect(r.q97_5).toBeLessThanOrEqual(1);
      expect(r.q2_5).toBeLessThan(r.mean);
      expect(r.q97_5).toBeGreaterThan(r.mean);
    }
    // Fisher's interval from the delta-method SE, exactly.
    for (const r of cors) {
      const sz = r.sd / (1 - r.mean ** 2);
      expect(r.q97_5).toBeCloseTo(Math.tanh(Math.atanh(r.mean) + 1.959963984540054 * sz), 12);
      expect(r.q2_5).toBeCloseTo(Math.tanh(Math.atanh(r.mean) - 1.959963984540054 * sz), 12);
    }
  });
});
