import type { DistSpec, Form } from '../../distributions/catalog.js';
import { findDistribution } from '../../distributions/catalog.js';

/**
 * Normal rows of one cell, by their sufficient statistics: with x = sum(y) and args
 * (mu, sigma, n, sum(y^2)), sum_i -0.5 ((y_i - mu) / sigma)^2 - log(sigma)
 *   = -0.5 (S2 - 2 mu S1 + n mu^2) / sigma^2 - n log(sigma).
 */
const normalStats: Form = {
  args: [
    { name: 'mu', support: 'real' }, { name: 'sigma', support: 'positive' },
    { name: 'n', support: 'count' }, { name: 'sum_sq', support: 'real' },
  ],
  kernel: (o, s1, [mu, sigma, n, s2]) => {
    const quad = o.add(o.sub(s2, o.mul(o.c(2), o.mul(mu, s1))), o.mul(n, o.square(mu)));
    return o.sub(o.mul(o.c(-0.5), o.div(quad, o.square(sigma))), o.mul(n, o.log(sigma)));
  },
  constant: 0,
};

export const NORMAL_STATS: DistSpec = { name: 'Normal', support: 'real', discrete: false, forms: [normalStats], doc: 'Normal rows reduced to per-cell sums' };

const binomial = findDistribution('Binomial')!;
/** Binomial(trials, logit): Bernoulli and Binomial rows of a cell add up to one Binomial term. */
export const BINOMIAL_LOGIT: { dist: DistSpec; form: Form } = { dist: binomial, form: binomial.forms[0] };
