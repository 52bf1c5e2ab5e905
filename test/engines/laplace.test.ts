import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { runLaplace } from '../../src/engines/laplace/run.js';
import { compileText } from '../helpers.js';
import { diagnosticsOf } from '../../src/engines/diagnostics.js';

// y_i ~ Normal(mu, 2), mu ~ Normal(1, 3): the posterior of mu is Normal with closed-form mean and sd,
// so the Laplace approximation must be exact (up to float32 gradients: 1e-4 sd).
const ys = [2.1, -0.3, 1.7, 3.2, 0.9, 2.4, 1.1, -1.2, 2.8, 1.6, 0.4, 2.2, 3.9, 1.3, 0.2, 1.8, 2.6, -0.5, 1.4, 2.0];
const csv = ['y', ...ys.map(String)].join('\n');
const model = compileText(`data { y: real } parameters { mu ~ Normal(1, 3) } model { y ~ Normal(mu, 2) }`, csv);
const precision = 1 / 9 + ys.length / 4;
const exactMean = (1 / 9 + ys.reduce((a, b) => a + b, 0) / 4) / precision;
const exactSd = Math.sqrt(1 / precision);

describe('Laplace on a conjugate Normal model', () => {
  it('recovers the exact posterior mean and sd', async () => {
    const ld = await model.logDensity();
    const r = runLaplace(ld, { draws: 2000, rng: createRng(3), psis: false });
    expect(Math.abs(r.gaussian!.mean[0] - exactMean)).toBeLessThan(1e-4 * exactSd);
    expect(Math.abs(r.gaussian!.sd[0] / exactSd - 1)).toBeLessThan(1e-4);
    // The Gaussian is the posterior: importance ratios are constant, so k-hat is far below 0.5.
    expect(diagnosticsOf(r.diagnostics, 'laplace-joint').khat).toBeLessThan(0.3);
    ld.dispose();
  });

  it('gives the same draws for the same seed and different draws for another', async () => {
    const ld = await model.logDensity();
    const a = runLaplace(ld, { draws: 50, rng: createRng(11), psis: false });
    const b = runLaplace(ld, { draws: 50, rng: createRng(11), psis: false });
    const c = runLaplace(ld, { draws: 50, rng: createRng(12), psis: false });
    expect(a.draws.map((d) => d[0])).toEqual(b.draws.map((d) => d[0]));
    expect(a.draws[0][0]).not.toEqual(c.draws[0][0]);
    ld.dispose();
  });
});

describe('Laplace on a constrained scale parameter', () => {
  // y ~ Normal(0, s), s ~ HalfNormal(5): in theta = log(s) the posterior mode solves a closed form.
  const zs = [1.2, -0.7, 2.3, -1.9, 0.4, 1.1, -2.6, 0.8, -0.2, 1.5];
  const m = compileText(`data { y: real } parameters { s ~ HalfNormal(5) } model { y ~ Normal(0, s) }`, ['y', ...zs.map(String)].join('\n'));
  it('finds the mode of the log density in theta = log(s), Jacobian included', async () => {
    const ld = await m.logDensity();
    const r = runLaplace(ld, { draws: 100, rng: createRng(1), psis: false });
    // d/dt [ -n t - S/(2 e^{2t}) - e^{2t}/50 + t ] = 0  with S = sum y^2
    const S = zs.reduce((a, z) => a + z * z, 0);
    const n = zs.length;
    const f = (t: number): number => -n + S * Math.exp(-2 * t) - Math.exp(2 * t) / 25 + 1;
    let lo = -5;
    let hi = 5;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) > 0) lo = mid;
      else hi = mid;
    }
    expect(r.gaussian!.mean[0]).toBeCloseTo(lo, 4);
    ld.dispose();
  });
});
