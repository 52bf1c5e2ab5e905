import { describe, expect, it } from 'vitest';
import { determinant, Matrix } from 'ml-matrix';
import { compileText } from '../helpers.js';
import { reparamDensity, writtenTheta, type SampledForm } from '../../src/engines/reparam_density.js';
import type { LogDensity } from '../../src/core/log_density.js';

const csv = ['y,x,g', ...Array.from({ length: 30 }, (_, i) => `${(i * 7) % 9},${((i % 6) - 2.5) / 2},g${i % 5}`)].join('\n');
const data = 'data { y: count  x: real  g: factor }';
const CASES: [string, string, SampledForm][] = [
  ['a correlated block sampled centred (z = L^-1 D^-1 (m - b))', 'model { y ~ poisson(1 + x + (1 + x | g)) }', 'centred'],
  ['a random intercept sampled as b + u', 'model { y ~ poisson(1 + x + (1 | g)) }', 'centred'],
  ['a random intercept sampled non-centred (u = sd z)', 'model { y ~ poisson(1 + x + (1 | g)) }', 'standardised'],
  ['theta ~ Normal(mu, tau) sampled non-centred (theta = mu + tau z)',
    'parameters { mu ~ Normal(0, 5)  tau ~ HalfCauchy(5)  th[g] ~ Normal(mu, tau) }\nmodel { y ~ Poisson(log_rate = th[g] + 0.3 * x) }', 'standardised'],
  ['hand-written z, read as s * z, sampled centred (z = (m - a) / s)',
    'parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  z[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = a + s * z[g] + 0.3 * x) }', 'centred'],
  ['hand-written u ~ Normal(0, s) beside a, sampled as a + u',
    'parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }\nmodel { y ~ Poisson(log_rate = a + u[g] + 0.3 * x) }', 'centred'],
];

async function density(source: string): Promise<LogDensity> {
  return compileText(`${data}\n${source}`, csv).logDensity({ backend: 'js' });
}

const point = (dim: number): Float64Array => Float64Array.from({ length: dim }, (_, i) => 0.4 * Math.sin(1.3 * i + 0.7));

describe('a hierarchy sampled in another form is the same posterior', () => {
  it.each(CASES)('%s: gradient = central differences of the value', async (_, source, form) => {
    const ld = await density(source);
    const re = reparamDensity(ld, ld.hierarchies!.map((block) => ({ block, sampled: form })));
    expect(re).not.toBe(ld);
    const t = point(ld.dim);
    const { grad } = re.valueAndGrad(t);
    const h = 1e-6;
    for (let i = 0; i < ld.dim; i++) {
      const a = new Float64Array(t);
      const b = new Float64Array(t);
      a[i] += h;
      b[i] -= h;
      const fd = (re.valueAndGrad(a).value - re.valueAndGrad(b).value) / (2 * h);
      expect(Math.abs(fd - grad[i]), ld.thetaNames[i]).toBeLessThan(1e-5 * (1 + Math.abs(grad[i])));
    }
    const into = new Float64Array(ld.dim);
    expect(re.valueAndGradInto!(t, into)).toBe(re.valueAndGrad(t).value);
    expect(Array.from(into)).toEqual(Array.from(grad));
  });

  it.each(CASES)('%s: value = the model\'s value at the mapped point + log |det d theta / d t|', async (_, source, form) => {
    const ld = await density(source);
    const plan = ld.hierarchies!.map((block) => ({ block, sampled: form }));
    const re = reparamDensity(ld, plan);
    const toTheta = writtenTheta(plan);
    const t = point(ld.dim);
    // The Jacobian of the map by central differences (it is smooth and cheap), its log-determinant exact enough.
    const h = 1e-6;
    const J = Matrix.zeros(ld.dim, ld.dim);
    for (let i = 0; i < ld.dim; i++) {
      const a = new Float64Array(t);
      const b = new Float64Array(t);
      a[i] += h;
      b[i] -= h;
      const [ta, tb] = [toTheta(a), toTheta(b)];
      for (let r = 0; r < ld.dim; r++) J.set(r, i, (ta[r] - tb[r]) / (2 * h));
    }
    const logDet = Math.log(Math.abs(determinant(J)));
    expect(re.valueAndGrad(t).value - ld.valueAndGrad(toTheta(t)).value).toBeCloseTo(logDet, 6);
    expect(re.valueBatch([t])[0]).toBeCloseTo(re.valueAndGrad(t).value, 9);
  });

  it.each(CASES)('%s: constrain and unconstrain go through the model\'s theta', async (_, source, form) => {
    const ld = await density(source);
    const plan = ld.hierarchies!.map((block) => ({ block, sampled: form }));
    const re = reparamDensity(ld, plan);
    const t = point(ld.dim);
    expect(Array.from(re.constrain(t))).toEqual(Array.from(ld.constrain(writtenTheta(plan)(t))));
    const back = re.unconstrain(re.constrain(t));
    for (let i = 0; i < ld.dim; i++) expect(back[i]).toBeCloseTo(t[i], 10);
  });

  it('the form the model writes changes nothing', async () => {
    const ld = await density('model { y ~ poisson(1 + x + (1 + x | g)) }');
    expect(reparamDensity(ld, ld.hierarchies!.map((block) => ({ block, sampled: 'standardised' })))).toBe(ld);
  });
});
