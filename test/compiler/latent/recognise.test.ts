import { describe, expect, it } from 'vitest';
import { compileText } from '../../helpers.js';
import { describeField } from '../../../src/compiler/latent/describe.js';

const csv = ['y,x,g,h', ...Array.from({ length: 24 }, (_, i) => `${(i * 7) % 5},${(i % 6) / 3},g${i % 4},h${i % 3}`)].join('\n');
const data = 'data { y: count  x: real  g: factor  h: factor }';
const roles = (source: string) => {
  const m = compileText(`${data}\n${source}`, csv);
  return Object.fromEntries(m.ir.params.map((p) => [p.name, p.latent ? `random/${p.latentKind}` : p.linear ? 'fixed' : 'hyper']));
};

describe('the latent Gaussian field, whatever the parametrisation', () => {
  it('centred: u ~ Normal(0, s) is random, its scale a hyperparameter, a Normal-prior coefficient fixed', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { y ~ Poisson(log_rate = a + u[g]) }`)).toEqual({ a: 'fixed', s: 'hyper', u: 'random/centred' });
  });

  it('non-centred: z ~ Normal(0, 1) read as s * z is random too', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  z[g] ~ Normal(0, 1) }
      model { u = s * z[g]  y ~ Poisson(log_rate = a + u) }`)).toEqual({ a: 'fixed', s: 'hyper', z: 'random/non-centred' });
  });

  it('a centred effect whose mean is another latent coordinate (theta ~ Normal(mu, tau))', () => {
    expect(roles(`parameters { mu ~ Normal(0, 5)  tau ~ HalfCauchy(5)  th[g] ~ Normal(mu, tau) }
      model { y ~ Poisson(log_rate = th[g]) }`)).toEqual({ mu: 'fixed', tau: 'hyper', th: 'random/centred' });
  });

  it('a correlated pair written by hand through a Cholesky factor', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  s0 ~ HalfNormal(1)  s1 ~ HalfNormal(1)  r ~ LKJCorr(2)  z0[g] ~ Normal(0, 1)  z1[g] ~ Normal(0, 1) }
      model { y ~ Poisson(log_rate = a + s0 * z0[g] + s1 * (r * z0[g] + sqrt(1 - r * r) * z1[g]) * x) }`))
      .toEqual({ a: 'fixed', s0: 'hyper', s1: 'hyper', r: 'hyper', z0: 'random/non-centred', z1: 'random/non-centred' });
  });

  it('one affine predictor inside non-linear arguments (a rate shape * exp(-eta), a mean and a scale of the same eta)', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  k ~ Exponential(1)  u[g] ~ Normal(0, s) }
      model { y ~ NegativeBinomial(mean = exp(a + u[g]), dispersion = k) }`)).toEqual({ a: 'fixed', s: 'hyper', k: 'hyper', u: 'random/centred' });
    expect(roles(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { eta = a + u[g]  x ~ Normal(eta, exp(-eta)) }`)).toEqual({ a: 'fixed', s: 'hyper', u: 'random/centred' });
  });

  it('two different predictors, or a coordinate read non-affinely, are not a field', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { x ~ Normal(a + u[g], exp(b)) }`).u).toBe('random/centred');
    expect(roles(`parameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { x ~ Normal(a + u[g], exp(b + u[g])) }`).u).toBe('hyper');
    expect(roles(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { y ~ Poisson(rate = exp(a + u[g]) + exp(2 * u[g])) }`).u).toBe('hyper');
  });

  it('the formula form: correlated blocks, crossed terms, fixed effects', () => {
    const r = roles('model { y ~ poisson(1 + x + (1 + x | g) + (1 | h)) }');
    expect(r).toMatchObject({ b_Intercept: 'fixed', b_x: 'fixed', z_g_Intercept: 'random/correlated', z_g_x: 'random/correlated', u_h: 'random/centred' });
    expect(r.sd_g_Intercept).toBe('hyper');
    expect(r.cor_g).toBe('hyper');
  });

  it('a parameter read non-linearly leaves the field; a non-Normal prior too', () => {
    expect(roles(`parameters { a ~ Normal(0, 5)  b ~ StudentT(3, 0, 1)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { y ~ Poisson(log_rate = exp(a) + b * x + u[g]) }`)).toEqual({ a: 'hyper', b: 'hyper', s: 'hyper', u: 'random/centred' });
  });

  it('describeField names each block with its grouping and scale (what ppl check prints)', () => {
    const m = compileText(`${data}\nparameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  z[g] ~ Normal(0, 1) }
      model { y ~ Poisson(log_rate = a + s * z[g]) }`, csv);
    expect(describeField(m.ir)).toEqual({
      random: [{ name: 'z', kind: 'non-centred', factor: 'g', size: 4, scales: ['s'] }], linear: ['a'], hyper: ['s'],
    });
  });
});
