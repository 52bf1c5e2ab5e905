import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { GlimmerError } from '../../src/core/errors.js';

const data = ['y,x,g', ...Array.from({ length: 24 }, (_, i) => `${i % 5},${i / 10},g${i % 4}`)].join('\n');

const diagnostics = (source: string): string[] => {
  try {
    compile(source, { data, ml: true });
  } catch (e) {
    if (e instanceof GlimmerError) return e.diagnostics.map((d) => `${d.code}: ${d.message} | ${d.hint}`);
    throw e;
  }
  return [];
};

describe('E216 under --ml', () => {
  it('says that only the likelihood and the random effects remain, and what a random effect must be', () => {
    // u is read through two different predictors (a + u and 2u): not a field, so under --ml its prior is
    // dropped and its scale s is read by nothing.
    expect(diagnostics(`data "data.csv" { y: count  x: real  g: factor }
parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
model { y ~ Poisson(rate = exp(a + u[g]) + exp(2 * u[g])) }`)).toEqual([
      "E216: parameter 's' is not identified under --ml: neither the likelihood nor the density of a random effect reads it, so its likelihood is flat | " +
      "under --ml only the likelihood and the random effects' densities remain; if 's' is the scale of random effects, they must enter each likelihood " +
      'through one predictor affine in them (ppl check --ml lists the random effects it found); or drop --ml for a Bayesian fit with its prior',
    ]);
  });
  it('is not raised for a scale of random effects read through a non-linear argument (a Poisson rate exp(a + u))', () => {
    expect(diagnostics(`data "data.csv" { y: count  x: real  g: factor }
parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
model { y ~ Poisson(rate = exp(a + u[g])) }`)).toEqual([]);
  });
});
