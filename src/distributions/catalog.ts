import { lgamma } from '../math/special.js';
import type { Ops } from './ops.js';
import type { F64 } from './f64_ops.js';

/** Where a variate or an argument lives. `interval` is the Uniform's [lower, upper]. */
export type Support = 'real' | 'positive' | 'unit' | 'count' | 'binary' | 'interval' | 'correlation';

export interface ArgSpec {
  readonly name: string;
  readonly support: 'real' | 'positive' | 'unit' | 'count';
}

/**
 * One parameterisation of a distribution (Poisson by log_rate or by rate). The log density is
 * kernel + xTerm + constant: `kernel` holds every term that involves an argument, `xTerm` the terms of
 * the variate alone (kept in the graph for a parameter, moved to the host constant for data) and
 * `constant` the pure number. `dataTerm` is a host-only term of data variate and data arguments.
 */
export interface Form {
  readonly args: readonly ArgSpec[];
  kernel<T>(o: Ops<T>, x: T, a: readonly T[]): T;
  xTerm?<T>(o: Ops<T>, x: T): T;
  readonly constant: number;
  readonly dataTerm?: { readonly args: readonly string[]; fn(x: number, args: readonly number[]): number };
  /**
   * d kernel / d args[arg]: for GLM likelihoods whose only parameter-dependent argument is a linear
   * predictor, the graph uses it as a hand-written gradient (one saved residual instead of a tape).
   */
  readonly score?: { readonly arg: number; fn<T>(o: Ops<T>, x: T, a: readonly T[]): T };
  /**
   * The curvature in the first argument, w = -d2 kernel / da0^2 per row, and dw/da0, in closed form: for a
   * form whose kernel the Taylor jets would go through slowly (latent/curvature.ts uses it when present).
   */
  readonly curvature?: (a0: Float64Array, x: Float64Array, args: readonly F64[], w: Float64Array, dw: Float64Array, slopes?: ArgSlopes) => void;
  /** The arguments j whose dw / d args[j] `curvature` also writes, into slopes[j], when it is given. */
  readonly curvatureSlopes?: readonly number[];
  /** d/d args[j] of the score d kernel / da0 per row, for each j of curvatureSlopes: the Laplace marginal's mixed derivatives in a dispersion. */
  readonly scoreSlope?: (a0: Float64Array, x: Float64Array, args: readonly F64[], j: number, out: Float64Array) => void;
}

/** Per argument j, where it is an array: dw / d args[j] per row (the curvature's slope in another argument). */
export type ArgSlopes = readonly (Float64Array | undefined)[];

export interface DistSpec {
  readonly name: string;
  readonly support: Support;
  readonly discrete: boolean;
  readonly forms: readonly Form[];
  /** One line for `docs/language.md` and error hints. */
  readonly doc: string;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const LN2 = Math.LN2;

const real = (name: string): ArgSpec => ({ name, support: 'real' });
const pos = (name: string): ArgSpec => ({ name, support: 'positive' });

/** -0.5 z^2 - log(sigma) with z = (x - mu) / sigma. */
function normalKernel<T>(o: Ops<T>, x: T, mu: T, sigma: T): T {
  return o.sub(o.mul(o.c(-0.5), o.square(o.div(o.sub(x, mu), sigma))), o.log(sigma));
}

function studentKernel<T>(o: Ops<T>, x: T, nu: T, mu: T, sigma: T): T {
  const half = o.c(0.5);
  const z2 = o.div(o.square(o.div(o.sub(x, mu), sigma)), nu);
  const norm = o.sub(o.sub(o.lgamma(o.mul(half, o.add(nu, o.c(1)))), o.lgamma(o.mul(half, nu))), o.mul(half, o.log(nu)));
  return o.sub(o.sub(norm, o.log(sigma)), o.mul(o.mul(half, o.add(nu, o.c(1))), o.log1p(z2)));
}

function cauchyKernel<T>(o: Ops<T>, x: T, mu: T, sigma: T): T {
  return o.sub(o.neg(o.log(sigma)), o.log1p(o.square(o.div(o.sub(x, mu), sigma))));
}

function lchoose(n: number, k: number): number {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

const negLgammaX1 = <T>(o: Ops<T>, x: T): T => o.neg(o.lgamma(o.add(x, o.c(1))));

/**
 * A count model's kernel k(y) (log f(y) less its data term -lgamma(y + 1), which is 0 at y = 0) mixed
 * with a point mass at 0 of probability zi: log(zi + (1 - zi) f(0)) at a zero, log(1 - zi) + k(y)
 * elsewhere. With zeta = logit(zi) both are softplus forms that stay finite for any k:
 * softplus(k - zeta) - softplus(-zeta) and k - softplus(zeta). The zero indicator is exp(-800 y), which is
 * exactly 1 at y = 0 and exactly 0 (underflow) at every count >= 1, in float32 and float64 alike; k is
 * taken at the row's own y, which at a zero is k(0).
 */
function zeroInflated<T>(o: Ops<T>, y: T, k: T, zeta: T): T {
  const zero = o.exp(o.mul(o.c(-800), y));
  const atZero = o.sub(o.softplus(o.sub(k, zeta)), o.softplus(o.neg(zeta)));
  const elsewhere = o.sub(k, o.softplus(zeta));
  return o.add(o.mul(zero, atZero), o.mul(o.sub(o.c(1), zero), elsewhere));
}

/**
 * A hurdle: a zero with probability hu, else a count from the model truncated to y >= 1. With the count
 * model's kernel k(y) (less -lgamma(y + 1)) and its log probability of zero k0, log(hu) at a zero and
 * log(1 - hu) + k(y) - log(1 - e^k0) elsewhere; hu by zeta = logit(hu) in softplus forms, and the zero
 * indicator exp(-800 y) as in zeroInflated. log(1 - e^k0) is log1p(-e^k0): its relative error is about
 * 1e-16 / |k0| in float64 (1e-10 at a Poisson mean of 1e-6, where a count >= 1 is all but impossible).
 */
function hurdle<T>(o: Ops<T>, y: T, k: T, k0: T, zeta: T): T {
  const zero = o.exp(o.mul(o.c(-800), y));
  const atZero = o.neg(o.softplus(o.neg(zeta)));
  const elsewhere = o.sub(o.sub(k, o.softplus(zeta)), o.log1p(o.neg(o.exp(k0))));
  return o.add(o.mul(zero, atZero), o.mul(o.sub(o.c(1), zero), elsewhere));
}

/**
 * logit(p) of a probability argument. A formula's zero part (zi = 1 + w) is written on the logit scale
 * (the `_logit` forms) and passed as it is: through p = inv_logit(eta) and back, a logit past 37 rounds p
 * to 1 and this to infinity (a group of only zeros, where the search runs the logit up).
 */
const logitOf = <T>(o: Ops<T>, p: T): T => o.sub(o.log(p), o.log1p(o.neg(p)));

const poissonKernel = <T>(o: Ops<T>, y: T, eta: T): T => o.sub(o.mul(y, eta), o.exp(eta));
const negBinKernel = <T>(o: Ops<T>, y: T, eta: T, phi: T): T =>
  o.add(o.lgammaRatio(y, phi), o.sub(o.mul(y, eta), o.mul(o.add(y, phi), o.softplus(o.sub(eta, o.log(phi))))));
const hurdlePoisson = <T>(o: Ops<T>, y: T, eta: T, zeta: T): T => hurdle(o, y, poissonKernel(o, y, eta), o.neg(o.exp(eta)), zeta);
const hurdleNegBin = <T>(o: Ops<T>, y: T, eta: T, phi: T, zeta: T): T =>
  hurdle(o, y, negBinKernel(o, y, eta, phi), o.neg(o.mul(phi, o.softplus(o.sub(eta, o.log(phi))))), zeta);

export const DISTRIBUTIONS: readonly DistSpec[] = [
  {
    name: 'Normal', support: 'real', discrete: false, doc: 'Normal(mu, sigma): mean mu, standard deviation sigma',
    forms: [{ args: [real('mu'), pos('sigma')], kernel: (o, x, [mu, s]) => normalKernel(o, x, mu, s), constant: -HALF_LOG_2PI }],
  },
  {
    name: 'HalfNormal', support: 'positive', discrete: false, doc: 'HalfNormal(sigma): |Normal(0, sigma)|',
    forms: [{ args: [pos('sigma')], kernel: (o, x, [s]) => normalKernel(o, x, o.c(0), s), constant: LN2 - HALF_LOG_2PI }],
  },
  {
    name: 'StudentT', support: 'real', discrete: false, doc: 'StudentT(nu, mu, sigma): degrees of freedom nu, location mu, scale sigma',
    forms: [{ args: [pos('nu'), real('mu'), pos('sigma')], kernel: (o, x, [nu, mu, s]) => studentKernel(o, x, nu, mu, s), constant: -0.5 * Math.log(Math.PI) }],
  },
  {
    name: 'HalfStudentT', support: 'positive', discrete: false, doc: 'HalfStudentT(nu, sigma): |StudentT(nu, 0, sigma)|',
    forms: [{ args: [pos('nu'), pos('sigma')], kernel: (o, x, [nu, s]) => studentKernel(o, x, nu, o.c(0), s), constant: LN2 - 0.5 * Math.log(Math.PI) }],
  },
  {
    name: 'Cauchy', support: 'real', discrete: false, doc: 'Cauchy(mu, sigma): location mu, scale sigma',
    forms: [{ args: [real('mu'), pos('sigma')], kernel: (o, x, [mu, s]) => cauchyKernel(o, x, mu, s), constant: -Math.log(Math.PI) }],
  },
  {
    name: 'HalfCauchy', support: 'positive', discrete: false, doc: 'HalfCauchy(sigma): |Cauchy(0, sigma)|',
    forms: [{ args: [pos('sigma')], kernel: (o, x, [s]) => cauchyKernel(o, x, o.c(0), s), constant: LN2 - Math.log(Math.PI) }],
  },
  {
    name: 'Exponential', support: 'positive', discrete: false, doc: 'Exponential(rate)',
    forms: [{ args: [pos('rate')], kernel: (o, x, [r]) => o.sub(o.log(r), o.mul(r, x)), constant: 0 }],
  },
  {
    name: 'Gamma', support: 'positive', discrete: false, doc: 'Gamma(shape, rate): mean shape / rate',
    forms: [{
      args: [pos('shape'), pos('rate')],
      kernel: (o, x, [a, b]) => o.sub(o.add(o.sub(o.mul(a, o.log(b)), o.lgamma(a)), o.mul(o.sub(a, o.c(1)), o.log(x))), o.mul(b, x)),
      constant: 0,
    }],
  },
  {
    name: 'LogNormal', support: 'positive', discrete: false, doc: 'LogNormal(mu, sigma): log(x) ~ Normal(mu, sigma)',
    forms: [{
      args: [real('mu'), pos('sigma')],
      kernel: (o, x, [mu, s]) => normalKernel(o, o.log(x), mu, s),
      xTerm: (o, x) => o.neg(o.log(x)),
      constant: -HALF_LOG_2PI,
    }],
  },
  {
    name: 'Beta', support: 'unit', discrete: false, doc: 'Beta(a, b): mean a / (a + b)',
    forms: [{
      args: [pos('a'), pos('b')],
      kernel: (o, x, [a, b]) => {
        const norm = o.sub(o.sub(o.lgamma(o.add(a, b)), o.lgamma(a)), o.lgamma(b));
        return o.add(norm, o.add(o.mul(o.sub(a, o.c(1)), o.log(x)), o.mul(o.sub(b, o.c(1)), o.log1p(o.neg(x)))));
      },
      constant: 0,
    }],
  },
  {
    name: 'Uniform', support: 'interval', discrete: false, doc: 'Uniform(lower, upper): flat on [lower, upper]; the bounds must be numbers',
    forms: [{ args: [real('lower'), real('upper')], kernel: (o, _x, [lo, hi]) => o.neg(o.log(o.sub(hi, lo))), constant: 0 }],
  },
  {
    name: 'LKJCorr', support: 'correlation', discrete: false,
    doc: 'LKJCorr(eta): the LKJ prior on a correlation in (-1, 1), density proportional to (1 - r^2)^(eta - 1)',
    forms: [{
      args: [pos('eta')],
      kernel: (o, x, [eta]) => {
        // (r + 1) / 2 ~ Beta(eta, eta): log density (eta - 1) log(1 - r^2) - (2 eta - 1) log 2 - log B(eta, eta).
        const logBeta = o.sub(o.mul(o.c(2), o.lgamma(eta)), o.lgamma(o.mul(o.c(2), eta)));
        const norm = o.add(o.mul(o.sub(o.mul(o.c(2), eta), o.c(1)), o.c(LN2)), logBeta);
        return o.sub(o.mul(o.sub(eta, o.c(1)), o.log1p(o.neg(o.square(x)))), norm);
      },
      constant: 0,
    }],
  },
  {
    name: 'Poisson', support: 'count', discrete: true, doc: 'Poisson(log_rate = eta) or Poisson(rate = lambda)',
    forms: [
      {
        args: [real('log_rate')], kernel: (o, y, [eta]) => o.sub(o.mul(y, eta), o.exp(eta)), xTerm: negLgammaX1, constant: 0,
        score: { arg: 0, fn: (o, y, [eta]) => o.sub(y, o.exp(eta)) },
      },
      { args: [pos('rate')], kernel: (o, y, [r]) => o.sub(o.mul(y, o.log(r)), r), xTerm: negLgammaX1, constant: 0 },
    ],
  },
  {
    name: 'NegativeBinomial', support: 'count', discrete: true,
    doc: 'NegativeBinomial(log_mean = eta, dispersion = phi): mean mu = exp(eta), variance mu + mu^2 / phi (Stan neg_binomial_2)',
    forms: [
      {
        args: [real('log_mean'), pos('dispersion')],
        kernel: (o, y, [eta, phi]) => {
          // lgamma(y + phi) - lgamma(phi) + y*eta + phi*log(phi) - (y + phi) * log(exp(eta) + phi), regrouped so that
          // every piece stays small as phi grows (the Poisson limit): lgammaRatio = lgamma(y + phi) - lgamma(phi) -
          // y log(phi), and log(mu + phi) - log(phi) = softplus(eta - log(phi)).
          const core = o.sub(o.mul(y, eta), o.mul(o.add(y, phi), o.softplus(o.sub(eta, o.log(phi)))));
          return o.add(o.lgammaRatio(y, phi), core);
        },
        xTerm: negLgammaX1,
        constant: 0,
      },
      {
        args: [pos('mean'), pos('dispersion')],
        kernel: (o, y, [mu, phi]) => {
          // The same regrouping: lgammaRatio + y log(mu) - (y + phi) log1p(mu / phi).
          const core = o.sub(o.mul(y, o.log(mu)), o.mul(o.add(y, phi), o.log1p(o.div(mu, phi))));
          return o.add(o.lgammaRatio(y, phi), core);
        },
        xTerm: negLgammaX1,
        constant: 0,
      },
    ],
  },
  {
    name: 'ZeroInflatedPoisson', support: 'count', discrete: true,
    doc: 'ZeroInflatedPoisson(log_rate = eta, zi = p): a zero with probability p, else Poisson(exp(eta)) (glmmTMB ziformula = ~1, brms zero_inflated_poisson)',
    forms: [{
      args: [real('log_rate'), { name: 'zi', support: 'unit' }],
      kernel: (o, y, [eta, zi]) => zeroInflated(o, y, poissonKernel(o, y, eta), logitOf(o, zi)),
      xTerm: negLgammaX1, constant: 0,
    }, {
      args: [real('log_rate'), real('zi_logit')],
      kernel: (o, y, [eta, zeta]) => zeroInflated(o, y, poissonKernel(o, y, eta), zeta),
      xTerm: negLgammaX1, constant: 0,
    }],
  },
  {
    name: 'ZeroInflatedNegativeBinomial', support: 'count', discrete: true,
    doc: 'ZeroInflatedNegativeBinomial(log_mean = eta, dispersion = phi, zi = p): a zero with probability p, else NegativeBinomial(eta, phi) (glmmTMB nbinom2 with ziformula = ~1)',
    forms: [{
      args: [real('log_mean'), pos('dispersion'), { name: 'zi', support: 'unit' }],
      kernel: (o, y, [eta, phi, zi]) => zeroInflated(o, y, negBinKernel(o, y, eta, phi), logitOf(o, zi)),
      xTerm: negLgammaX1, constant: 0,
    }, {
      args: [real('log_mean'), pos('dispersion'), real('zi_logit')],
      kernel: (o, y, [eta, phi, zeta]) => zeroInflated(o, y, negBinKernel(o, y, eta, phi), zeta),
      xTerm: negLgammaX1, constant: 0,
    }],
  },
  {
    name: 'HurdlePoisson', support: 'count', discrete: true,
    doc: 'HurdlePoisson(log_rate = eta, hu = p): a zero with probability p, else Poisson(exp(eta)) truncated to y >= 1 (brms hurdle_poisson, glmmTMB truncated_poisson with ziformula = ~1)',
    forms: [{
      args: [real('log_rate'), { name: 'hu', support: 'unit' }],
      kernel: (o, y, [eta, hu]) => hurdlePoisson(o, y, eta, logitOf(o, hu)),
      xTerm: negLgammaX1, constant: 0,
    }, {
      args: [real('log_rate'), real('hu_logit')],
      kernel: (o, y, [eta, zeta]) => hurdlePoisson(o, y, eta, zeta),
      xTerm: negLgammaX1, constant: 0,
    }],
  },
  {
    name: 'HurdleNegativeBinomial', support: 'count', discrete: true,
    doc: 'HurdleNegativeBinomial(log_mean = eta, dispersion = phi, hu = p): a zero with probability p, else NegativeBinomial(eta, phi) truncated to y >= 1 (brms hurdle_negbinomial, glmmTMB truncated_nbinom2 with ziformula = ~1)',
    forms: [{
      args: [real('log_mean'), pos('dispersion'), { name: 'hu', support: 'unit' }],
      kernel: (o, y, [eta, phi, hu]) => hurdleNegBin(o, y, eta, phi, logitOf(o, hu)),
      xTerm: negLgammaX1, constant: 0,
    }, {
      args: [real('log_mean'), pos('dispersion'), real('hu_logit')],
      kernel: (o, y, [eta, phi, zeta]) => hurdleNegBin(o, y, eta, phi, zeta),
      xTerm: negLgammaX1, constant: 0,
    }],
  },
  {
    name: 'Bernoulli', support: 'binary', discrete: true, doc: 'Bernoulli(logit = eta) or Bernoulli(p = prob)',
    forms: [
      {
        args: [real('logit')], kernel: (o, y, [eta]) => o.sub(o.mul(y, eta), o.softplus(eta)), constant: 0,
        score: { arg: 0, fn: (o, y, [eta]) => o.sub(y, o.sigmoid(eta)) },
      },
      {
        args: [{ name: 'p', support: 'unit' }],
        kernel: (o, y, [p]) => o.add(o.mul(y, o.log(p)), o.mul(o.sub(o.c(1), y), o.log1p(o.neg(p)))),
        constant: 0,
      },
    ],
  },
  {
    name: 'Binomial', support: 'count', discrete: true, doc: 'Binomial(trials = n, logit = eta) or Binomial(trials = n, p = prob)',
    forms: [
      {
        args: [{ name: 'trials', support: 'count' }, real('logit')],
        kernel: (o, y, [n, eta]) => o.sub(o.mul(y, eta), o.mul(n, o.softplus(eta))),
        constant: 0,
        score: { arg: 1, fn: (o, y, [n, eta]) => o.sub(y, o.mul(n, o.sigmoid(eta))) },
        dataTerm: { args: ['trials'], fn: (y, [n]) => lchoose(n, y) },
      },
      {
        args: [{ name: 'trials', support: 'count' }, { name: 'p', support: 'unit' }],
        kernel: (o, y, [n, p]) => o.add(o.mul(y, o.log(p)), o.mul(o.sub(n, y), o.log1p(o.neg(p)))),
        constant: 0,
        dataTerm: { args: ['trials'], fn: (y, [n]) => lchoose(n, y) },
      },
    ],
  },
];

export const DISTRIBUTION_NAMES: readonly string[] = DISTRIBUTIONS.map((d) => d.name);

export function findDistribution(name: string): DistSpec | undefined {
  return DISTRIBUTIONS.find((d) => d.name === name);
}
