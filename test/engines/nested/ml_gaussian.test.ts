import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { createRng } from '../../../src/core/rng.js';
import { runMaximumLikelihood } from '../../../src/engines/nested/run_ml.js';
import { cholesky as chol, cholSolve as solve } from '../../dense.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { warningText } from '../../../src/results/warning_text.js';

// For a Gaussian linear mixed model the Laplace marginal is exact, so the engine must reproduce the
// maximum of the exact marginal likelihood y ~ N(mu 1, sigma_e^2 I + sum_f sigma_f^2 Z_f Z_f'),
// written out below with dense float64 algebra and maximised by Nelder-Mead then Newton, and the
// BLUPs E[u | y] = D Z' V^-1 (y - mu) with Var(u | y) = D - D Z' V^-1 Z D.

interface Design {
  readonly y: number[];
  /** Per factor, the level of each row. */
  readonly levels: number[][];
  readonly nLevels: number[];
}

/** V for log sds [...factors, residual]. */
function covariance(d: Design, logSd: number[]): number[][] {
  const F = d.levels.length;
  return d.y.map((_, i) => d.y.map((__, j) => {
    let v = i === j ? Math.exp(2 * logSd[F]) : 0;
    for (let f = 0; f < F; f++) if (d.levels[f][i] === d.levels[f][j]) v += Math.exp(2 * logSd[f]);
    return v;
  }));
}

/** The exact log likelihood at (mu, log sds). */
function logLik(d: Design, mu: number, logSd: number[], L = chol(covariance(d, logSd))): number {
  const r = d.y.map((v) => v - mu);
  const w = solve(L, r);
  let logDet = 0;
  for (let i = 0; i < L.length; i++) logDet += 2 * Math.log(L[i][i]);
  return -0.5 * (d.y.length * Math.log(2 * Math.PI) + logDet + r.reduce((s, v, i) => s + v * w[i], 0));
}

/** mu profiled out by generalised least squares: mu = 1'V^-1 y / 1'V^-1 1. */
function gls(d: Design, logSd: number[], L = chol(covariance(d, logSd))): number {
  const a = solve(L, d.y);
  const b = solve(L, d.y.map(() => 1));
  return a.reduce((s, v) => s + v, 0) / b.reduce((s, v) => s + v, 0);
}

function nelderMead(f: (x: number[]) => number, x0: number[], iterations = 300): number[] {
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => v + (i === j ? 0.5 : 0)))].map((x) => ({ x, v: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const worst = simplex[simplex.length - 1];
    const centroid = x0.map((_, j) => simplex.slice(0, -1).reduce((s, p) => s + p.x[j], 0) / (simplex.length - 1));
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const r = { x: along(-1), v: 0 };
    r.v = f(r.x);
    if (r.v < simplex[0].v) {
      const e = { x: along(-2), v: 0 };
      e.v = f(e.x);
      simplex[simplex.length - 1] = e.v < r.v ? e : r;
    } else if (r.v < simplex[simplex.length - 2].v) {
      simplex[simplex.length - 1] = r;
    } else {
      const c = { x: along(0.5), v: 0 };
      c.v = f(c.x);
      if (c.v < worst.v) simplex[simplex.length - 1] = c;
      else simplex = simplex.map((p) => ({ x: p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j])), v: 0 })).map((p) => ({ ...p, v: f(p.x) }));
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0].x;
}

/** Gradient and Hessian of g at x by central differences (step h). */
function derivatives(g: (x: number[]) => number, x: number[], h = 1e-4): { grad: number[]; hess: number[][] } {
  const at = (d: [number, number][]): number => g(x.map((v, i) => v + d.reduce((s, [k, t]) => s + (k === i ? t : 0), 0)));
  const grad = x.map((_, i) => (at([[i, h]]) - at([[i, -h]])) / (2 * h));
  const hess = x.map((_, i) => x.map((__, j) =>
    (at([[i, h], [j, h]]) - at([[i, h], [j, -h]]) - at([[i, -h], [j, h]]) + at([[i, -h], [j, -h]])) / (4 * h * h)));
  return { grad, hess };
}

/** Inverse of a small SPD matrix (columns of A^-1 from its Cholesky factor). */
function inverse(A: number[][]): number[][] {
  const L = chol(A);
  const cols = A.map((_, j) => solve(L, A.map((__, i) => (i === j ? 1 : 0))));
  return A.map((_, i) => A.map((__, j) => cols[j][i]));
}

/** The exact maximum likelihood fit: [mu, ...log sds], its log likelihood, SEs (as lmer reports them), BLUPs and their conditional sds. */
function exactFit(d: Design): { x: number[]; logLik: number; se: number[]; blup: number[][]; condSd: number[][] } {
  const F = d.levels.length;
  const profile = (s: number[]): number => {
    const L = chol(covariance(d, s));
    return -logLik(d, gls(d, s, L), s, L);
  };
  let s = nelderMead(profile, new Array<number>(F + 1).fill(0));
  for (let k = 0; k < 5; k++) {
    const { grad, hess } = derivatives(profile, s);
    const step = solve(chol(hess), grad);
    s = s.map((v, i) => v - step[i]);
  }
  const x = [gls(d, s), ...s];
  const { hess } = derivatives((z) => -logLik(d, z[0], z.slice(1)), x);
  const L = chol(covariance(d, s));
  // lme4's SEs: mu's given the variance parameters, sqrt(1 / 1'V^-1 1) (lmer's vcov); the log sds' from
  // the full inverse (the profiled deviance's curvature, the same block).
  const ones = solve(L, d.y.map(() => 1)).reduce((a, v) => a + v, 0);
  const se = inverse(hess).map((r, i) => (i === 0 ? Math.sqrt(1 / ones) : Math.sqrt(r[i])));
  const w = solve(L, d.y.map((v) => v - x[0]));
  const blup: number[][] = [];
  const condSd: number[][] = [];
  for (let f = 0; f < F; f++) {
    const varF = Math.exp(2 * s[f]);
    const z = (level: number): number[] => d.y.map((_, i) => (d.levels[f][i] === level ? 1 : 0));
    const levels = Array.from({ length: d.nLevels[f] }, (_, l) => l);
    blup.push(levels.map((l) => varF * z(l).reduce((a, v, i) => a + v * w[i], 0)));
    condSd.push(levels.map((l) => {
      const zl = z(l);
      const q = solve(L, zl).reduce((a, v, i) => a + v * zl[i], 0);
      return Math.sqrt(varF - varF * varF * q);
    }));
  }
  return { x, logLik: logLik(d, x[0], s), se, blup, condSd };
}

/**
 * The exact restricted (REML) fit: the likelihood integrated over mu under a flat prior,
 * log L_R(s) = log L(mu-hat(s), s) + 1/2 log(2 pi) - 1/2 log(1' V^-1 1) (Harville 1974), maximised over
 * the log sds; returns them with the REML log-likelihood and mu-hat's SE sqrt(1 / 1'V^-1 1).
 */
function exactReml(d: Design): { s: number[]; logLik: number; muSe: number } {
  const F = d.levels.length;
  const restricted = (s: number[]): number => {
    const L = chol(covariance(d, s));
    const b = solve(L, d.y.map(() => 1)).reduce((a, v) => a + v, 0);
    return logLik(d, gls(d, s, L), s, L) + 0.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(b);
  };
  let s = nelderMead((z) => -restricted(z), new Array<number>(F + 1).fill(0));
  for (let k = 0; k < 5; k++) {
    const { grad, hess } = derivatives((z) => -restricted(z), s);
    const step = solve(chol(hess), grad);
    s = s.map((v, i) => v - step[i]);
  }
  const L = chol(covariance(d, s));
  const b = solve(L, d.y.map(() => 1)).reduce((a, v) => a + v, 0);
  return { s, logLik: restricted(s), muSe: Math.sqrt(1 / b) };
}

const level = (f: string, l: number): string => `${f}${String(l).padStart(2, '0')}`;

function simulate(seed: string, nLevels: number[], rowsPerCell: (cell: number[]) => number, sds: number[], mu: number): Design {
  const rng = createRng(seed);
  const effects = nLevels.map((n, f) => Array.from({ length: n }, () => sds[f] * rng.normal()));
  const y: number[] = [];
  const levels: number[][] = nLevels.map(() => []);
  const cells = nLevels.reduce<number[][]>((acc, n) => acc.flatMap((c) => Array.from({ length: n }, (_, l) => [...c, l])), [[]]);
  for (const cell of cells) {
    for (let r = 0; r < rowsPerCell(cell); r++) {
      y.push(mu + cell.reduce((s, l, f) => s + effects[f][l], 0) + sds[nLevels.length] * rng.normal());
      cell.forEach((l, f) => levels[f].push(l));
    }
  }
  return { y, levels, nLevels };
}

function csvOf(d: Design, factors: string[]): string {
  return [['y', ...factors].join(','), ...d.y.map((v, i) => [v.toPrecision(17), ...factors.map((f, k) => level(f, d.levels[k][i]))].join(','))].join('\n');
}

function fitEngine(source: string, d: Design, factors: string[]) {
  const model = compile(source, { fileName: 'lmm.glmm', data: { text: csvOf(d, factors), file: 'lmm.csv' }, ml: true });
  return model.logDensity().then((ld) => ({ ld, fit: runMaximumLikelihood(ld, { reml: false, draws: 4000, rng: createRng(5) }) }));
}

describe('maximum likelihood (nested Laplace) on Gaussian mixed models equals the closed-form maximum likelihood', () => {
  it('a random intercept, unbalanced groups, residual sd estimated', async () => {
    // y_ij = mu + u_j + e_ij with 3..10 rows per group.
    const d = simulate('intercept', [8], ([g]) => 3 + g, [0.8, 0.5], 2);
    const source = `data { y: real  g: factor }
      parameters { mu ~ Normal(0, 10)  sigma_u ~ HalfNormal(1)  sigma_e ~ HalfNormal(1)  u[g] ~ Normal(0, sigma_u) }
      model { y ~ Normal(mu + u[g], sigma_e) }`;
    const { ld, fit } = await fitEngine(source, d, ['g']);
    const exact = exactFit(d);
    const est = fit.estimates!;
    const names = ['mu', 'log(sigma_u)', 'log(sigma_e)'];
    names.forEach((n, k) => {
      const i = ld.thetaNames.indexOf(n);
      expect(Math.abs(est.theta[i] - exact.x[k]) / exact.se[k]).toBeLessThan(1e-5);
      expect(Math.abs(est.sd[i] / exact.se[k] - 1)).toBeLessThan(1e-4);
    });
    expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - exact.logLik)).toBeLessThan(1e-8);
    exact.blup[0].forEach((b, l) => {
      const i = ld.thetaNames.indexOf(`u[${level('g', l)}]`);
      expect(Math.abs(est.theta[i] - b) / exact.condSd[0][l]).toBeLessThan(1e-5);
      expect(Math.abs(est.sd[i] / exact.condSd[0][l] - 1)).toBeLessThan(1e-4);
    });
    expect(fit.warnings).toEqual([]);
    // The draws come from N(estimate, covariance): their means agree within Monte Carlo error.
    for (let i = 0; i < ld.dim; i++) {
      const mean = fit.draws.reduce((s, t) => s + t[i], 0) / fit.draws.length;
      expect(Math.abs(mean - est.theta[i])).toBeLessThan((4 * est.sd[i]) / Math.sqrt(fit.draws.length));
    }
  });

  it('crossed random effects (a non-diagonal u-Hessian)', async () => {
    const d = simulate('crossed', [6, 5], ([a, b]) => 1 + ((a + b) % 3), [0.7, 1.1, 0.4], -1);
    const source = `data { y: real  fa: factor  fb: factor }
      parameters {
        mu: real
        sigma_a: positive
        sigma_b: positive
        sigma_e: positive
        a[fa] ~ Normal(0, sigma_a)
        b[fb] ~ Normal(0, sigma_b)
      }
      model { y ~ Normal(mu + a[fa] + b[fb], sigma_e) }`;
    const { ld, fit } = await fitEngine(source, d, ['fa', 'fb']);
    const exact = exactFit(d);
    const est = fit.estimates!;
    ['mu', 'log(sigma_a)', 'log(sigma_b)', 'log(sigma_e)'].forEach((n, k) => {
      const i = ld.thetaNames.indexOf(n);
      expect(Math.abs(est.theta[i] - exact.x[k]) / exact.se[k]).toBeLessThan(1e-5);
      expect(Math.abs(est.sd[i] / exact.se[k] - 1)).toBeLessThan(1e-4);
    });
    expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - exact.logLik)).toBeLessThan(1e-8);
    [['a', 'fa'], ['b', 'fb']].forEach(([p, f], k) => exact.blup[k].forEach((b, l) => {
      const i = ld.thetaNames.indexOf(`${p}[${level(f, l)}]`);
      expect(Math.abs(est.theta[i] - b) / exact.condSd[k][l]).toBeLessThan(1e-5);
      expect(Math.abs(est.sd[i] / exact.condSd[k][l] - 1)).toBeLessThan(1e-4);
    }));
    expect(diagnosticsOf(fit.diagnostics, 'ml').structuredHessian).toBe(true);
  });

  it('REML: the restricted likelihood, its maximum and the fixed effect\'s conditional SE', async () => {
    const d = simulate('reml', [7], ([g]) => 2 + (g % 4), [0.9, 0.6], 3);
    const source = `data { y: real  g: factor }
      parameters { mu ~ Normal(0, 10)  sigma_u ~ HalfNormal(1)  sigma_e ~ HalfNormal(1)  u[g] ~ Normal(0, sigma_u) }
      model { y ~ Normal(mu + u[g], sigma_e) }`;
    const model = compile(source, { fileName: 'lmm.glmm', data: { text: csvOf(d, ['g']), file: 'lmm.csv' }, reml: true });
    const ld = await model.logDensity();
    const fit = runMaximumLikelihood(ld, { reml: true, draws: 0, rng: createRng(5) });
    const exact = exactReml(d);
    const est = fit.estimates!;
    ['log(sigma_u)', 'log(sigma_e)'].forEach((n, k) => {
      expect(Math.abs(est.theta[ld.thetaNames.indexOf(n)] - exact.s[k])).toBeLessThan(1e-5);
    });
    expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - exact.logLik)).toBeLessThan(1e-8);
    expect(Math.abs(est.sd[ld.thetaNames.indexOf('mu')] / exact.muSe - 1)).toBeLessThan(1e-5);
    expect(fit.draws).toHaveLength(0);
  });

  it('a variance at its boundary: the estimate goes to 0 and the warning names it', async () => {
    // Every group has the same mean: the between-group variance's maximum likelihood estimate is 0.
    const base = simulate('boundary', [6], () => 5, [0, 0.5], 1);
    const means = Array.from({ length: base.nLevels[0] }, (_, l) => {
      const ys = base.y.filter((_, i) => base.levels[0][i] === l);
      return ys.reduce((s, v) => s + v, 0) / ys.length;
    });
    const d = { ...base, y: base.y.map((v, i) => v - means[base.levels[0][i]] + 1) };
    const source = `data { y: real  g: factor }
      parameters {
        mu: real
        sigma_u: positive
        sigma_e: positive
        u[g] ~ Normal(0, sigma_u)
      }
      model { y ~ Normal(mu + u[g], sigma_e) }`;
    const { ld, fit } = await fitEngine(source, d, ['g']);
    const i = ld.thetaNames.indexOf('log(sigma_u)');
    expect(Math.exp(fit.estimates!.theta[i])).toBeLessThan(1e-3);
    expect(fit.warnings).toHaveLength(1);
    expect(fit.warnings.map(warningText)[0]).toMatch(/boundary \(singular\) fit: 'sigma_u'/);
    // No standard error for it, and draws that stay finite.
    expect(fit.estimates!.sd[i]).toBeNaN();
    expect(fit.draws.every((t) => t.every(Number.isFinite))).toBe(true);
    expect(Math.abs(fit.estimates!.theta[ld.thetaNames.indexOf('mu')] - 1)).toBeLessThan(1e-6);
  });

  it('the same seed gives the same draws', async () => {
    const d = simulate('seed', [5], () => 4, [1, 1], 0);
    const model = compile(`data { y: real  g: factor }
      parameters {
        mu: real
        s: positive
        e: positive
        u[g] ~ Normal(0, s)
      }
      model { y ~ Normal(mu + u[g], e) }`, { data: { text: csvOf(d, ['g']), file: 't.csv' }, ml: true });
    const ld = await model.logDensity();
    const a = runMaximumLikelihood(ld, { reml: false, draws: 20, rng: createRng(3) });
    const b = runMaximumLikelihood(ld, { reml: false, draws: 20, rng: createRng(3) });
    const c = runMaximumLikelihood(ld, { reml: false, draws: 20, rng: createRng(4) });
    expect(a.draws).toEqual(b.draws);
    expect(a.draws[0]).not.toEqual(c.draws[0]);
  });
});
