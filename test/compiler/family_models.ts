import { createRng } from '../../src/core/rng.js';

/** Small data exercising every distribution as a likelihood or a prior, shared by the emitter tests. */
export const rows = 40;
const rng = createRng(7);
const csvLines = ['y_count,y_bin,n,y_real,y_pos,y_unit,g,x'];
for (let i = 0; i < rows; i++) {
  const n = 3 + (i % 5);
  csvLines.push([i % 7, i % 2, n, (rng.normal() * 2).toFixed(3), Math.exp(rng.normal()).toFixed(3), (0.05 + 0.9 * rng.uniform()).toFixed(3),
    `g${i % 4}`, rng.normal().toFixed(3)].join(','));
}
export const csv = csvLines.join('\n');
export const header = `data { y_count: count  y_bin: binary  n: count  y_real: real  y_pos: positive  y_unit: real  g: factor  x: real }`;

export const models: Record<string, string> = {
  poisson: `parameters { s ~ HalfNormal(1)  a[g] ~ Normal(0, s)  b ~ StudentT(3, 0, 2.5) }
    model { y_count ~ Poisson(log_rate = a[g] + b * x) }`,
  poissonRate: `parameters { r: positive ~ Gamma(2, 1) } model { y_count ~ Poisson(rate = r * exp(0.1 * x)) }`,
  negbin: `parameters { phi ~ Exponential(1)  a[g] ~ Cauchy(0, 1)  b ~ Normal(0, 1) }
    model { y_count ~ NegativeBinomial(log_mean = a[g] + b * x, dispersion = phi) }`,
  negbinMean: `parameters { phi ~ LogNormal(0, 1)  m ~ HalfCauchy(2) } model { y_count ~ NegativeBinomial(mean = m, dispersion = phi) }`,
  bernoulli: `parameters { a[g] ~ Normal(0, 2)  b ~ Uniform(-3, 3) } model { y_bin ~ Bernoulli(logit = a[g] + b * x) }`,
  bernoulliP: `parameters { p ~ Beta(2, 3) } model { y_bin ~ Bernoulli(p = p) }`,
  binomial: `parameters { a ~ Normal(0, 1)  b: bounded(-2, 2) ~ Normal(0, 1) } model { y_count ~ Binomial(trials = n + 3, logit = a + b * x) }`,
  binomialP: `parameters { q: bounded(0, 1) ~ Beta(1.5, 1.5) } model { y_bin ~ Binomial(trials = 1, p = q) }`,
  normal: `parameters { mu[g] ~ Normal(0, 5)  sigma ~ HalfStudentT(3, 1) } model { eta = mu[g] - 0.5 * x   y_real ~ Normal(eta, sigma) }`,
  studentT: `parameters { nu ~ Gamma(2, 0.1)  m ~ Normal(0, 1)  s ~ HalfNormal(2) } model { y_real ~ StudentT(nu, m, s) }`,
  gammaLik: `parameters { k ~ Exponential(0.5)  r ~ Exponential(0.5) } model { y_pos ~ Gamma(k, r) }`,
  lognormalLik: `parameters { m ~ Normal(0, 1)  s ~ HalfNormal(1) } model { y_pos ~ LogNormal(m + 0.1 * x, s) }`,
  betaLik: `parameters { a ~ Gamma(2, 1)  b ~ Gamma(2, 1) } model { y_unit ~ Beta(a, b) }`,
  functions: `parameters { a ~ Normal(0, 1)  s: lower(0.5) ~ Normal(1, 1) } model { y_pos ~ Normal(sqrt(exp(a) + 1) / s + log1p(exp(a)), inv_logit(a) + 0.5) }`,
  // Levels, a shared (inlined) definition, a vector parameter with a lower bound and a scalar-only likelihood argument.
  levels: `parameters { s: lower(0.1) ~ HalfNormal(1)  a[g] ~ Normal(0, s)  t: positive ~ Gamma(2, 2) }
    model { eta = a[g] + a["g1"] * t   y_real ~ Normal(eta + eta * 0.1, t + s) }`,
};

