import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { compileText } from '../helpers.js';
import { diagnosticsOf } from '../../src/engines/diagnostics.js';

// y ~ Normal(0, s), s ~ HalfNormal(1), three observations: the posterior of s is skewed, so the
// Gaussian in log(s) is visibly off. The exact posterior mean of s comes from quadrature.
const ys = [0.3, -0.5, 1.1];
const model = compileText(`data { y: real } parameters { s ~ HalfNormal(1) } model { y ~ Normal(0, s) }`, ['y', ...ys.map(String)].join('\n'));

function exactMoments(): { mean: number; sd: number } {
  const ss = ys.reduce((a, y) => a + y * y, 0);
  let z = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 1; i <= 200000; i++) {
    const s = i * 1e-4;
    const w = Math.exp(-0.5 * s * s - ys.length * Math.log(s) - ss / (2 * s * s));
    z += w;
    m1 += w * s;
    m2 += w * s * s;
  }
  const mean = m1 / z;
  return { mean, sd: Math.sqrt(m2 / z - mean * mean) };
}

describe('--psis reweighting of the Laplace draws', () => {
  const exact = exactMoments();

  it('reaches an effective sample size of at least 1000 and corrects the mean to Monte Carlo error', async () => {
    const fit = await inferFit(model, { engine: 'laplace', seed: 5, draws: 2000, psis: true });
    const ess = diagnosticsOf(fit.diagnostics, 'laplace-joint').psisEss;
    expect(ess).toBeGreaterThanOrEqual(1000);
    expect(fit.weights).toBeDefined();
    const s = fit.summary.find((r) => r.name === 's')!;
    // 4 Monte Carlo standard errors of an importance-weighted mean with this ESS.
    expect(Math.abs(s.mean - exact.mean)).toBeLessThan(4 * exact.sd / Math.sqrt(ess));
  });

  it('without --psis, the Gaussian mean is off by more than that', async () => {
    const fit = await inferFit(model, { engine: 'laplace', seed: 5, draws: 4000 });
    const s = fit.summary.find((r) => r.name === 's')!;
    expect(Math.abs(s.mean - exact.mean)).toBeGreaterThan(4 * exact.sd / Math.sqrt(4000));
  });
});
