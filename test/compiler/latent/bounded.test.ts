import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { boundedFixedEffects } from '../../../src/compiler/latent/aliased.js';

// Which fixed effects maximum likelihood need not probe for separation (ml_checks.ts): a count with a log
// link, a column >= 0, and a positive count where the column is positive.
const rows = (f: (i: number) => string, n = 60): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');
const names = (src: string, csv: string, reduce = true): string[] => {
  const m = compile(src, { fileName: 't.glmm', data: { text: csv, file: 't.csv' }, ml: true, reduce });
  return boundedFixedEffects(m.ir).map((c) => m.ir.params.find((p) => c >= p.offset && c < p.offset + p.size)!.name + `[${c}]`);
};

describe('boundedFixedEffects', () => {
  const head = 'y,x,g,p\n';
  const csv = head + rows((i) => `${(i * 7) % 5},${((i % 9) - 4) / 2},g${i % 3},p${i % 4}`);
  it('lists every group effect of a Poisson or negative binomial GLMM with counts in each group, reduced or row-wise', () => {
    for (const [extra, family] of [['', 'Poisson(log_rate = a[g] + u[p])'], ['phi ~ Exponential(0.1)', 'NegativeBinomial(log_mean = a[g] + u[p], dispersion = phi)']]) {
      const src = `data { y: count x: real g: factor p: factor } parameters { s ~ HalfNormal(1) ${extra} a[g] ~ Normal(0, 10) u[p] ~ Normal(0, s) } model { y ~ ${family} }`;
      expect(names(src, csv)).toHaveLength(3);
      expect(names(src, csv, false)).toHaveLength(3);
    }
  });

  it('leaves out a group with no counts, a covariate of both signs and a Bernoulli likelihood', () => {
    const zero = head + rows((i) => `${i % 3 === 1 ? 0 : (i * 7) % 5},0,g${i % 3},p${i % 4}`);
    const src = 'data { y: count x: real g: factor p: factor } parameters { a[g] ~ Normal(0, 10) b ~ Normal(0, 10) } model { y ~ Poisson(log_rate = a[g] + b * x) }';
    expect(names(src, zero)).toEqual(['a[0]', 'a[2]']);
    const bin = head + rows((i) => `${i % 2},${i % 3},g${i % 3},p${i % 4}`);
    expect(names('data { y: binary x: real g: factor p: factor } parameters { a[g] ~ Normal(0, 10) } model { y ~ Bernoulli(logit = a[g]) }', bin)).toEqual([]);
  });

  it('keeps the separation check where it applies: a Poisson group with no counts is still E507', async () => {
    const zero = head + rows((i) => `${i % 3 === 1 ? 0 : 1 + ((i * 7) % 5)},0,g${i % 3},p${i % 4}`);
    const m = compile('data { y: count x: real g: factor p: factor } parameters { a[g] ~ Normal(0, 10) } model { y ~ Poisson(log_rate = a[g]) }',
      { fileName: 't.glmm', data: { text: zero, file: 't.csv' }, ml: true });
    await expect(inferFit(m, { engine: 'laplace' })).rejects.toMatchObject({ code: 'E507' });
  });
});
