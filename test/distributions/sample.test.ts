import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng.js';
import { DISTRIBUTIONS } from '../../src/distributions/catalog.js';
import { binomial, gamma, logGamma, negativeBinomial, poisson, samplerFor } from '../../src/distributions/sample.js';
import { lgamma } from '../../src/math/special.js';

/**
 * Every sampler against its closed forms on a fixed seed. Tolerances are Z Monte Carlo standard errors:
 * sigma / sqrt(n) for a mean, sqrt((m4 - s^4) / n) for a variance (m4 the sample's fourth central moment),
 * sqrt(p (1 - p) / n) for a frequency. Z = 5 would flag a correct sampler about once in 10^6 checks.
 */
const Z = 5;

function draw(n: number, f: (rng: Rng) => number, seed = 7): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => f(rng));
}

function expectMoments(x: Float64Array, mean: number, variance: number): void {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    const d = v - m;
    m2 += d * d;
    m4 += d ** 4;
  }
  const s2 = m2 / (n - 1);
  m4 /= n;
  expect(Math.abs(m - mean), `mean ${m} vs ${mean}`).toBeLessThanOrEqual(Z * Math.sqrt(variance / n));
  expect(Math.abs(s2 - variance), `variance ${s2} vs ${variance}`).toBeLessThanOrEqual(Z * Math.sqrt(Math.max(m4 - s2 * s2, 0) / n) + 1e-12);
}

/** Frequencies of 0..kMax against a pmf (log scale), each within Z standard errors. */
function expectPmf(x: Float64Array, logPmf: (k: number) => number, kMax: number): void {
  const n = x.length;
  const counts = new Map<number, number>();
  expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
  for (const v of x) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (let k = 0; k <= kMax; k++) {
    const p = Math.exp(logPmf(k));
    const f = (counts.get(k) ?? 0) / n;
    expect(Math.abs(f - p), `P(${k}): ${f} vs ${p}`).toBeLessThanOrEqual(Z * Math.sqrt((p * (1 - p)) / n) + 1 / n);
  }
}

/** The share of draws <= q against the closed-form cdf there. */
function expectCdf(x: Float64Array, q: number, cdf: number): void {
  const f = x.filter((v) => v <= q).length / x.length;
  expect(Math.abs(f - cdf), `cdf(${q}) ${f} vs ${cdf}`).toBeLessThanOrEqual(Z * Math.sqrt((cdf * (1 - cdf)) / x.length));
}

const poissonLogPmf = (lambda: number) => (k: number) => k * Math.log(lambda) - lambda - lgamma(k + 1);
const lchoose = (n: number, k: number) => lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
const sampler = (dist: string, ...args: string[]) => {
  const s = samplerFor(dist, args);
  if (!s) throw new Error(`no sampler for ${dist}(${args})`);
  return s;
};

describe('samplers cover the catalog', () => {
  it('every parameterisation of every distribution has one', () => {
    for (const d of DISTRIBUTIONS) for (const f of d.forms) expect(samplerFor(d.name, f.args.map((a) => a.name)), d.name).toBeDefined();
    expect(samplerFor('Poisson', ['mean'])).toBeUndefined();
  });

  it('the same seed gives the same draws', () => {
    expect(draw(50, (r) => poisson(r, 37.5))).toEqual(draw(50, (r) => poisson(r, 37.5)));
    expect(draw(50, (r) => poisson(r, 37.5), 8)).not.toEqual(draw(50, (r) => poisson(r, 37.5)));
  });
});

describe('Poisson: inversion below rate 10, PTRS (Hörmann 1993) above, both exact', () => {
  it.each([0.05, 0.5, 3, 9.99, 10, 12.5, 50, 400])('pmf at rate %s', (lambda) => {
    const x = draw(100_000, (r) => poisson(r, lambda));
    expectPmf(x, poissonLogPmf(lambda), Math.ceil(lambda + 6 * Math.sqrt(lambda) + 3));
    expectMoments(x, lambda, lambda);
  });

  it('mean and variance at rates 1e4 and 1e8, and the skewness a normal approximation would miss', () => {
    for (const lambda of [1e4, 1e8]) {
      const x = draw(100_000, (r) => poisson(r, lambda));
      expectMoments(x, lambda, lambda);
      expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    }
    // PTRS's skewness: at rate 25 the third central moment is lambda itself (a normal has 0). Its sampling
    // sd uses the sixth central moment lambda (1 + 25 lambda + 15 lambda^2).
    const lambda = 25;
    const x = draw(200_000, (r) => poisson(r, lambda));
    const m3 = x.reduce((a, v) => a + (v - lambda) ** 3, 0) / x.length;
    const mu6 = lambda * (1 + 25 * lambda + 15 * lambda * lambda);
    expect(Math.abs(m3 - lambda)).toBeLessThanOrEqual(Z * Math.sqrt((mu6 - lambda * lambda) / x.length));
  });

  it('rate 0 gives 0; a negative or infinite rate gives NaN', () => {
    const rng = createRng(1);
    expect(poisson(rng, 0)).toBe(0);
    expect(poisson(rng, -1)).toBeNaN();
    expect(poisson(rng, Infinity)).toBeNaN();
    expect(poisson(rng, NaN)).toBeNaN();
  });

  it('by log rate, through the registry', () => {
    const x = draw(100_000, (r) => sampler('Poisson', 'log_rate')(r, [Math.log(2.5)]));
    expectPmf(x, poissonLogPmf(2.5), 12);
  });
});

describe('NegativeBinomial (Stan neg_binomial_2) as a Gamma-Poisson mixture', () => {
  const logPmf = (mu: number, phi: number) => (k: number) =>
    lgamma(k + phi) - lgamma(phi) - lgamma(k + 1) + phi * Math.log(phi / (mu + phi)) + k * Math.log(mu / (mu + phi));
  it.each([[3, 2], [0.4, 0.5], [40, 10]])('mean %s, dispersion %s', (mu, phi) => {
    const x = draw(100_000, (r) => sampler('NegativeBinomial', 'mean', 'dispersion')(r, [mu, phi]));
    expectPmf(x, logPmf(mu, phi), Math.ceil(mu + 5 * Math.sqrt(mu + mu * mu / phi)));
    expectMoments(x, mu, mu + (mu * mu) / phi);
  });
  it('by log mean', () => {
    const x = draw(100_000, (r) => sampler('NegativeBinomial', 'log_mean', 'dispersion')(r, [Math.log(5), 1.5]));
    expectMoments(x, 5, 5 + 25 / 1.5);
    expect(negativeBinomial(createRng(1), 0, 2)).toBe(0);
  });
});

describe('hurdles: a zero with probability hu, else the count model given >= 1', () => {
  // The positive part by rejection where a zero is unlikely, by inversion where it is likely (a mean of
  // 1e-9: rejection took ~1e9 draws); the frequencies against the truncated pmf either way.
  const truncated = (logPmf: (k: number) => number) => {
    const positive = 1 - Math.exp(logPmf(0));
    return (hu: number) => (k: number) => (k === 0 ? Math.log(hu) : Math.log(1 - hu) + logPmf(k) - Math.log(positive));
  };
  it.each([[2.5], [0.3], [1e-9]])('Poisson with mean %s', (lambda) => {
    const x = draw(100_000, (r) => sampler('HurdlePoisson', 'log_rate', 'hu')(r, [Math.log(lambda), 0.3]));
    const pmf = lambda < 1e-6 ? (k: number) => (k === 0 ? Math.log(0.3) : k === 1 ? Math.log(0.7) : -Infinity) : truncated(poissonLogPmf(lambda))(0.3);
    expectPmf(x, pmf, 12);
  });
  it.each([[3, 2], [0.2, 0.5]])('negative binomial with mean %s, dispersion %s, on the logit scale', (mu, phi) => {
    const logPmf = (k: number) => lgamma(k + phi) - lgamma(phi) - lgamma(k + 1) + phi * Math.log(phi / (mu + phi)) + k * Math.log(mu / (mu + phi));
    const x = draw(100_000, (r) => sampler('HurdleNegativeBinomial', 'log_mean', 'dispersion', 'hu_logit')(r, [Math.log(mu), phi, Math.log(0.4 / 0.6)]));
    expectPmf(x, truncated(logPmf)(0.4), 15);
  });
});

describe('Binomial: inversion for small n, Knuth\'s Beta recursion for large n', () => {
  it.each([[10, 0.3], [25, 0.9], [40, 0.5], [200, 0.02], [1000, 0.7]])('pmf at n = %s, p = %s', (n, p) => {
    const x = draw(50_000, (r) => binomial(r, n, p));
    const kMax = Math.min(n, Math.ceil(n * p + 6 * Math.sqrt(n * p * (1 - p)) + 3));
    expectPmf(x, (k) => (k > n ? -Infinity : lchoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p)), kMax);
    expectMoments(x, n * p, n * p * (1 - p));
  });

  it('n = 10^7 in few steps, and the edges', () => {
    const x = draw(20_000, (r) => binomial(r, 1e7, 0.013));
    expectMoments(x, 1e7 * 0.013, 1e7 * 0.013 * 0.987);
    const rng = createRng(3);
    expect(binomial(rng, 12, 0)).toBe(0);
    expect(binomial(rng, 12, 1)).toBe(12);
    expect(binomial(rng, 0, 0.4)).toBe(0);
    expect(binomial(rng, 2.5, 0.4)).toBeNaN();
  });

  it('by logit, and Bernoulli both ways', () => {
    const x = draw(50_000, (r) => sampler('Binomial', 'trials', 'logit')(r, [8, Math.log(0.25 / 0.75)]));
    expectMoments(x, 2, 8 * 0.25 * 0.75);
    expectMoments(draw(100_000, (r) => sampler('Bernoulli', 'p')(r, [0.3])), 0.3, 0.21);
    expectMoments(draw(100_000, (r) => sampler('Bernoulli', 'logit')(r, [Math.log(0.1 / 0.9)])), 0.1, 0.09);
  });
});

describe('continuous samplers: moments and closed-form cdfs', () => {
  const N = 100_000;
  it('Gamma (Marsaglia-Tsang) for shapes below and above 1, and a tiny shape without underflow', () => {
    for (const [a, b] of [[0.3, 2], [1, 1], [5.5, 0.5], [100, 10]]) expectMoments(draw(N, (r) => gamma(r, a, b)), a / b, a / (b * b));
    // log Gamma(0.01) is finite: the variate itself would often underflow to 0.
    const logs = draw(10_000, (r) => logGamma(r, 0.01));
    expect(logs.every(Number.isFinite)).toBe(true);
    // E[log X] = digamma(a); for a = 0.01, digamma = -100.56 (to 2 decimals), sd = sqrt(trigamma) ~ 100.
    const m = logs.reduce((s, v) => s + v, 0) / logs.length;
    expect(Math.abs(m + 100.56)).toBeLessThanOrEqual(Z * 100.0 / Math.sqrt(logs.length));
  });

  it('Normal, HalfNormal, LogNormal, Exponential, Uniform', () => {
    expectMoments(draw(N, (r) => sampler('Normal', 'mu', 'sigma')(r, [2, 3])), 2, 9);
    expectMoments(draw(N, (r) => sampler('HalfNormal', 'sigma')(r, [2])), 2 * Math.sqrt(2 / Math.PI), 4 * (1 - 2 / Math.PI));
    const [mu, s] = [0.2, 0.5];
    expectMoments(draw(N, (r) => sampler('LogNormal', 'mu', 'sigma')(r, [mu, s])), Math.exp(mu + s * s / 2), (Math.exp(s * s) - 1) * Math.exp(2 * mu + s * s));
    const e = draw(N, (r) => sampler('Exponential', 'rate')(r, [2]));
    expectMoments(e, 0.5, 0.25);
    expectCdf(e, 0.3, 1 - Math.exp(-0.6));
    const u = draw(N, (r) => sampler('Uniform', 'lower', 'upper')(r, [-1, 3]));
    expectMoments(u, 1, 16 / 12);
    expect(u.every((v) => v >= -1 && v <= 3)).toBe(true);
  });

  it('StudentT and HalfStudentT', () => {
    const nu = 10;
    expectMoments(draw(N, (r) => sampler('StudentT', 'nu', 'mu', 'sigma')(r, [nu, 1, 2])), 1, 4 * nu / (nu - 2));
    const halfMean = (2 * Math.sqrt(nu) * Math.exp(lgamma((nu + 1) / 2) - lgamma(nu / 2))) / (Math.sqrt(Math.PI) * (nu - 1));
    expectMoments(draw(N, (r) => sampler('HalfStudentT', 'nu', 'sigma')(r, [nu, 1])), halfMean, nu / (nu - 2) - halfMean * halfMean);
    // nu = 1 is the Cauchy: P(T <= 1) = 3/4.
    expectCdf(draw(N, (r) => sampler('StudentT', 'nu', 'mu', 'sigma')(r, [1, 0, 1])), 1, 0.75);
  });

  it('Cauchy and HalfCauchy (no moments: their cdfs)', () => {
    const c = draw(N, (r) => sampler('Cauchy', 'mu', 'sigma')(r, [1, 2]));
    expectCdf(c, 3, 0.75);
    expectCdf(c, -5, 0.5 + Math.atan(-3) / Math.PI);
    expectCdf(draw(N, (r) => sampler('HalfCauchy', 'sigma')(r, [2])), 2, 0.5);
  });

  it('Beta, including a, b < 1 and tiny ones, and LKJCorr', () => {
    for (const [a, b] of [[0.5, 0.5], [2, 5], [30, 3]]) {
      expectMoments(draw(N, (r) => sampler('Beta', 'a', 'b')(r, [a, b])), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
    }
    // Beta(0.02, 0.02) is nearly Bernoulli(1/2): half the draws below 1/2, none NaN.
    const tiny = draw(20_000, (r) => sampler('Beta', 'a', 'b')(r, [0.02, 0.02]));
    expect(tiny.every((v) => v >= 0 && v <= 1)).toBe(true);
    expectCdf(tiny, 0.5, 0.5);
    const eta = 2;
    const lkj = draw(N, (r) => sampler('LKJCorr', 'eta')(r, [eta]));
    expectMoments(lkj, 0, 1 / (2 * eta + 1));
  });
});
