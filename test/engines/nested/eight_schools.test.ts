import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { loadRepoModel } from '../../helpers.js';
import { cholesky, cholSolve } from '../../dense.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

// Eight schools has a closed form given tau: y_j | mu, tau ~ N(mu, sigma_j^2 + tau^2), mu ~ N(0, 5^2), so
// p(tau | y) is known up to a constant and (mu, theta) | tau, y is Gaussian. Integrating that over a
// fine grid in log tau gives the exact posterior means and sds; nested Laplace, whose conditional is
// exact here (a Gaussian likelihood), must agree to its grid and Monte Carlo error, for the centred and
// the non-centred model alike (the Gaussian at the joint mode cannot: the centred model has no mode).
const Y = [28, 8, -3, 7, -1, 1, 18, 12];
const S = [15, 10, 16, 11, 9, 11, 10, 18];
const MU_SD = 5;
const TAU_SCALE = 5;

interface Moments { mean: number; sd: number }

function exactPosterior(): { mu: Moments; tau: Moments; theta: Moments[] } {
  const acc = { w: 0, mu: [0, 0], tau: [0, 0], theta: Y.map(() => [0, 0]) };
  for (let lt = -12; lt <= 6; lt += 0.002) {
    const tau = Math.exp(lt);
    // Marginal of y given tau (mu integrated): N(0, D + MU_SD^2 11').
    const V = Y.map((_, i) => Y.map((__, j) => (i === j ? S[i] ** 2 + tau ** 2 : 0) + MU_SD ** 2));
    const L = cholesky(V);
    const a = cholSolve(L, Y);
    let logDet = 0;
    for (let i = 0; i < 8; i++) logDet += 2 * Math.log(L[i][i]);
    const logLik = -0.5 * (logDet + Y.reduce((s, y, i) => s + y * a[i], 0));
    // HalfCauchy(5) on tau, and the Jacobian of log tau.
    const logPrior = -Math.log1p((tau / TAU_SCALE) ** 2) + lt;
    const w = Math.exp(logLik + logPrior + 40);
    // mu | tau, y: precision 1/25 + sum 1/(s^2 + tau^2).
    const prec = 1 / MU_SD ** 2 + S.reduce((s, sj) => s + 1 / (sj ** 2 + tau ** 2), 0);
    const muMean = S.reduce((s, sj, j) => s + Y[j] / (sj ** 2 + tau ** 2), 0) / prec;
    const muVar = 1 / prec;
    acc.w += w;
    acc.mu[0] += w * muMean;
    acc.mu[1] += w * (muVar + muMean ** 2);
    acc.tau[0] += w * tau;
    acc.tau[1] += w * tau ** 2;
    // theta_j | mu, tau, y ~ N(b y_j + (1 - b) mu, b s_j^2), b = tau^2 / (tau^2 + s_j^2); then over mu.
    S.forEach((sj, j) => {
      const b = tau ** 2 / (tau ** 2 + sj ** 2);
      const m = b * Y[j] + (1 - b) * muMean;
      const v = b * sj ** 2 + (1 - b) ** 2 * muVar;
      acc.theta[j][0] += w * m;
      acc.theta[j][1] += w * (v + m * m);
    });
  }
  const mom = ([m1, m2]: number[]): Moments => ({ mean: m1 / acc.w, sd: Math.sqrt(m2 / acc.w - (m1 / acc.w) ** 2) });
  return { mu: mom(acc.mu), tau: mom(acc.tau), theta: acc.theta.map(mom) };
}

describe('nested Laplace on eight schools equals the exact posterior', () => {
  const exact = exactPosterior();
  for (const file of ['eight_schools.glmm', 'eight_schools_nc.glmm']) {
    it(file, async () => {
      const fit = await inferFit(loadRepoModel(file), { engine: 'laplace', seed: 2 });
      const row = (name: string) => fit.summary.find((r) => r.name === name)!;
      const theta = (j: number) => row(file.includes('_nc') ? `theta_${'ABCDEFGH'[j]}` : `theta[${'ABCDEFGH'[j]}]`);
      const pairs: [string, Moments, { mean: number; sd: number }][] = [
        ['mu', exact.mu, row('mu')], ['tau', exact.tau, row('tau')],
        ...exact.theta.map((m, j): [string, Moments, { mean: number; sd: number }] => [`theta ${j}`, m, theta(j)]),
      ];
      // 4000 draws: Monte Carlo error 0.016 sd in a mean; the grid and its kernel add about as much.
      for (const [name, e, got] of pairs) {
        expect(Math.abs(got.mean - e.mean) / e.sd, `${name} mean`).toBeLessThan(0.06);
        expect(Math.abs(got.sd / e.sd - 1), `${name} sd`).toBeLessThan(0.06);
      }
      expect(fit.warnings).toEqual([]);
      expect(diagnosticsOf(fit.diagnostics, 'nested').hyperDim).toBe(1);
    });
  }
});

describe('nested Laplace progress', () => {
  it('reports every evaluation of the Laplace marginal, with the best value so far', async () => {
    const { runNestedLaplace } = await import('../../../src/engines/nested/run_posterior.js');
    const { createRng } = await import('../../../src/core/rng.js');
    const { loadRepoModel } = await import('../../helpers.js');
    const ld = await loadRepoModel('eight_schools.glmm').logDensity({ backend: 'js' });
    const seen: { evaluations: number; best: number }[] = [];
    const r = runNestedLaplace(ld, { draws: 100, rng: createRng(1), psis: false, onProgress: (p) => seen.push(p) });
    expect(r).toBeDefined();
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.map((p) => p.evaluations)).toEqual(seen.map((_, i) => seen[0].evaluations + i));
    expect(seen.every((p, i) => i === 0 || p.best >= seen[i - 1].best)).toBe(true);
    ld.dispose();
  });
});
