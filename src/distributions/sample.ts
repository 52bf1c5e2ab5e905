import type { Rng } from '../core/rng.js';
import { lgamma, logistic } from '../math/special.js';

/**
 * Exact random variates for every distribution of the catalog, from the seeded generator only
 * (posterior predictive checks draw replicated data with these). No normal approximations: a
 * Poisson with rate 10^6 is still a Poisson.
 */

/** One variate given the arguments of one parameterisation, in the form's order. */
export type Sampler = (rng: Rng, args: readonly number[]) => number;

/**
 * log of a Gamma(shape, 1) variate. Marsaglia & Tsang (2000) for shape >= 1; below 1 the boost
 * Gamma(a) = Gamma(a + 1) U^(1/a) (their section 6), kept on the log scale so that a tiny shape
 * gives a tiny variate rather than an underflow to 0 (which Beta would turn into 0 / 0).
 */
export function logGamma(rng: Rng, shape: number): number {
  if (!(shape > 0)) return NaN;
  if (shape < 1) return logGamma(rng, shape + 1) + Math.log(rng.uniform()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.uniform();
    if (u < 1 - 0.0331 * x * x * x * x) return Math.log(d * v);
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** Gamma with mean shape / rate. */
export function gamma(rng: Rng, shape: number, rate: number): number {
  return Math.exp(logGamma(rng, shape)) / rate;
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b), formed from their logs (exact for tiny a, b). */
export function beta(rng: Rng, a: number, b: number): number {
  return logistic(logGamma(rng, a) - logGamma(rng, b));
}

/** Inversion by sequential search: exact, and cheap below the PTRS threshold (expected lambda + 1 steps). */
function poissonInversion(rng: Rng, lambda: number): number {
  const u = rng.uniform();
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  while (u > cdf && p > 0) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

/**
 * PTRS, the transformed rejection sampler with squeeze of Hörmann (1993, "The transformed rejection
 * method for generating Poisson random variables", Insurance: Math. and Econ. 12), as numpy uses it for
 * lambda >= 10: exact, about 1.1 uniforms pairs per variate whatever lambda is.
 */
function poissonPtrs(rng: Rng, lambda: number): number {
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1)) return k;
  }
}

export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda >= 0) || lambda === Infinity) return NaN;
  if (lambda === 0) return 0;
  return lambda < 10 ? poissonInversion(rng, lambda) : poissonPtrs(rng, lambda);
}

/** Stan's neg_binomial_2 (mean mu, variance mu + mu^2 / phi) as its Gamma-Poisson mixture. */
export function negativeBinomial(rng: Rng, mu: number, phi: number): number {
  if (!(mu >= 0) || !(phi > 0)) return NaN;
  if (mu === 0) return 0;
  return poisson(rng, Math.exp(logGamma(rng, phi) + Math.log(mu / phi)));
}

/** Below this many trials, inversion: at most n steps, and q^n (q >= 1/2) never underflows. */
const BINOMIAL_INVERSION_MAX = 40;

/**
 * Binomial(n, p) exactly in O(log n) Beta draws (Knuth, TAOCP vol. 2, 3.4.1 F): the a-th smallest of n
 * uniforms is X ~ Beta(a, n + 1 - a); the uniforms below p are then Binomial(a - 1, p / X) if X >= p,
 * else a + Binomial(n - a, (p - X) / (1 - X)). Small n finish by inversion.
 */
export function binomial(rng: Rng, trials: number, prob: number): number {
  if (!(trials >= 0) || !Number.isInteger(trials) || !(prob >= 0 && prob <= 1)) return NaN;
  if (prob > 0.5) return trials - binomial(rng, trials, 1 - prob);
  let n = trials;
  let p = prob;
  let k = 0;
  while (n > BINOMIAL_INVERSION_MAX && p > 0) {
    const a = 1 + Math.floor(n / 2);
    const x = beta(rng, a, n + 1 - a);
    if (x >= p) {
      n = a - 1;
      p /= x;
    } else {
      k += a;
      n -= a;
      p = (p - x) / (1 - x);
    }
  }
  return k + binomialInversion(rng, n, p);
}

/** Sequential search from 0 with p <= 1/2 (the symmetric case mirrored), so q^n >= 2^-40 stays representable. */
function binomialInversion(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n === 0) return 0;
  if (p > 0.5) return n - binomialInversion(rng, n, 1 - p);
  const q = 1 - p;
  const ratio = p / q;
  let u = rng.uniform();
  let pk = Math.pow(q, n);
  let j = 0;
  while (u > pk && j < n) {
    u -= pk;
    j++;
    pk *= (ratio * (n - j + 1)) / j;
  }
  return j;
}

const normal = (rng: Rng, mu: number, sigma: number): number => mu + sigma * rng.normal();
/** Student's t: Z / sqrt(chi2_nu / nu), chi2_nu = 2 Gamma(nu / 2). */
const studentT = (rng: Rng, nu: number): number => rng.normal() / Math.sqrt((2 * Math.exp(logGamma(rng, nu / 2))) / nu);
const cauchy = (rng: Rng): number => Math.tan(Math.PI * (rng.uniform() - 0.5));

/** Keyed by distribution and argument names (the form): `Poisson(log_rate)`. */
const SAMPLERS: ReadonlyMap<string, Sampler> = new Map<string, Sampler>([
  ['Normal(mu,sigma)', (r, [mu, s]) => normal(r, mu, s)],
  ['HalfNormal(sigma)', (r, [s]) => Math.abs(normal(r, 0, s))],
  ['StudentT(nu,mu,sigma)', (r, [nu, mu, s]) => mu + s * studentT(r, nu)],
  ['HalfStudentT(nu,sigma)', (r, [nu, s]) => s * Math.abs(studentT(r, nu))],
  ['Cauchy(mu,sigma)', (r, [mu, s]) => mu + s * cauchy(r)],
  ['HalfCauchy(sigma)', (r, [s]) => s * Math.abs(cauchy(r))],
  ['Exponential(rate)', (r, [rate]) => -Math.log(r.uniform()) / rate],
  ['Gamma(shape,rate)', (r, [a, b]) => gamma(r, a, b)],
  ['LogNormal(mu,sigma)', (r, [mu, s]) => Math.exp(normal(r, mu, s))],
  ['Beta(a,b)', (r, [a, b]) => beta(r, a, b)],
  ['Uniform(lower,upper)', (r, [lo, hi]) => lo + (hi - lo) * r.uniform()],
  // (x + 1) / 2 ~ Beta(eta, eta): the density the catalog's LKJCorr kernel normalises.
  ['LKJCorr(eta)', (r, [eta]) => 2 * beta(r, eta, eta) - 1],
  ['Poisson(log_rate)', (r, [eta]) => poisson(r, Math.exp(eta))],
  ['Poisson(rate)', (r, [rate]) => poisson(r, rate)],
  ['NegativeBinomial(log_mean,dispersion)', (r, [eta, phi]) => negativeBinomial(r, Math.exp(eta), phi)],
  ['NegativeBinomial(mean,dispersion)', (r, [mu, phi]) => negativeBinomial(r, mu, phi)],
  ['ZeroInflatedPoisson(log_rate,zi)', (r, [eta, zi]) => (r.uniform() < zi ? 0 : poisson(r, Math.exp(eta)))],
  ['ZeroInflatedNegativeBinomial(log_mean,dispersion,zi)', (r, [eta, phi, zi]) => (r.uniform() < zi ? 0 : negativeBinomial(r, Math.exp(eta), phi))],
  ['ZeroInflatedPoisson(log_rate,zi_logit)', (r, [eta, zeta]) => (r.uniform() < logistic(zeta) ? 0 : poisson(r, Math.exp(eta)))],
  ['ZeroInflatedNegativeBinomial(log_mean,dispersion,zi_logit)', (r, [eta, phi, zeta]) => (r.uniform() < logistic(zeta) ? 0 : negativeBinomial(r, Math.exp(eta), phi))],
  ['HurdlePoisson(log_rate,hu_logit)', (r, [eta, zeta]) => (r.uniform() < logistic(zeta) ? 0 : truncatedPoisson(r, Math.exp(eta)))],
  ['HurdleNegativeBinomial(log_mean,dispersion,hu_logit)', (r, [eta, phi, zeta]) => (r.uniform() < logistic(zeta) ? 0 : truncatedNegativeBinomial(r, Math.exp(eta), phi))],
  ['HurdlePoisson(log_rate,hu)', (r, [eta, hu]) => (r.uniform() < hu ? 0 : truncatedPoisson(r, Math.exp(eta)))],
  ['HurdleNegativeBinomial(log_mean,dispersion,hu)', (r, [eta, phi, hu]) => (r.uniform() < hu ? 0 : truncatedNegativeBinomial(r, Math.exp(eta), phi))],
  ['Bernoulli(logit)', (r, [eta]) => (r.uniform() < logistic(eta) ? 1 : 0)],
  ['Bernoulli(p)', (r, [p]) => (r.uniform() < p ? 1 : 0)],
  ['Binomial(trials,logit)', (r, [n, eta]) => binomial(r, n, logistic(eta))],
  ['Binomial(trials,p)', (r, [n, p]) => binomial(r, n, p)],
]);

/**
 * A count given that it is at least 1 (a hurdle's positive part). Where a zero is unlikely, by rejection;
 * where it is likely (a mean far below 1 leaves almost every draw at 0), by inversion from 1 upwards,
 * with p(1) = P(y = 1) / (1 - P(y = 0)) from expm1 so that it stays exact as the mean goes to 0.
 */
function truncatedPoisson(rng: Rng, lambda: number): number {
  if (lambda >= 1) {
    for (;;) {
      const y = poisson(rng, lambda);
      if (y > 0) return y;
    }
  }
  return invertFromOne(rng, lambda / Math.expm1(lambda), (k) => lambda / (k + 1));
}

function truncatedNegativeBinomial(rng: Rng, mu: number, phi: number): number {
  // P(y = 0) = q^phi with q = phi / (phi + mu).
  const logZero = -phi * Math.log1p(mu / phi);
  if (logZero < -Math.LN2) {
    for (;;) {
      const y = negativeBinomial(rng, mu, phi);
      if (y > 0) return y;
    }
  }
  const odds = mu / (phi + mu);
  // P(y = 1) = phi q^phi (1 - q), over 1 - q^phi.
  const first = (phi * odds * Math.exp(logZero)) / -Math.expm1(logZero);
  return invertFromOne(rng, first, (k) => ((k + phi) / (k + 1)) * odds);
}

/** Inversion of a pmf on 1, 2, ... given p(1) and p(k + 1) / p(k). */
function invertFromOne(rng: Rng, first: number, ratio: (k: number) => number): number {
  const u = rng.uniform();
  let k = 1;
  let p = first;
  let cumulative = p;
  while (u > cumulative && p > 0 && k < 100000) {
    p *= ratio(k);
    k++;
    cumulative += p;
  }
  return k;
}

/** The sampler of a distribution in one parameterisation (argument names in the form's order), if there is one. */
export function samplerFor(dist: string, argNames: readonly string[]): Sampler | undefined {
  return SAMPLERS.get(`${dist}(${argNames.join(',')})`);
}
