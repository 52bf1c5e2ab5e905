import type { LogDensity, ValueAndGrad } from '../../../src/core/log_density.js';

/**
 * An exact, normalised Gaussian log density N(mean, P^-1) over theta, with counters: the one target on
 * which both VI families have closed-form optima (full-rank: the target itself; mean-field: the mean and
 * the conditional sds 1 / sqrt(P_ii); Kucukelbir et al. 2017, Bishop 2006 sec. 10.1.2).
 */
export function gaussianTarget(mean: number[], precision: number[][]): LogDensity & { calls: { batch: number[]; single: number } } {
  const d = mean.length;
  // log det P by Cholesky (P is small and positive definite in the tests).
  const L = precision.map((r) => r.map(() => 0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = precision[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = i === j ? Math.sqrt(s) : s / L[j][j];
    }
  }
  const logNorm = L.reduce((a, r, i) => a + Math.log(r[i]), 0) - 0.5 * d * Math.log(2 * Math.PI);
  const calls = { batch: [] as number[], single: 0 };
  const one = (theta: Float64Array): ValueAndGrad => {
    const diff = Array.from(theta, (t, i) => t - mean[i]);
    const grad = Float64Array.from(precision, (row) => -row.reduce((a, p, j) => a + p * diff[j], 0));
    const value = logNorm + 0.5 * diff.reduce((a, x, i) => a + x * grad[i], 0);
    return { value, grad };
  };
  const names = mean.map((_, i) => `x[${i + 1}]`);
  return {
    dim: d, thetaNames: names, names, latent: [], constant: 0, calls,
    valueAndGrad: (theta) => {
      calls.single++;
      return one(theta);
    },
    valueAndGradBatch: (thetas) => {
      calls.batch.push(thetas.length);
      return thetas.map(one);
    },
    valueBatch: (thetas) => Float64Array.from(thetas, (t) => one(t).value),
    constrain: (theta) => Float64Array.from(theta),
    unconstrain: (values) => Float64Array.from(values),
    dispose: () => undefined,
  };
}

/** The inverse of a small symmetric positive-definite matrix (Gauss-Jordan; test sizes only). */
export function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...r.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((r) => r.slice(n));
}
