import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { createRng } from '../../../src/core/rng.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { messages } from '../../../src/core/warning.js';

/*
 * A boundary (singular) fit is judged by the outer Hessian's flat directions. A fixed effect cannot be at
 * a boundary, and its conditional sd (the effects held) can be far below its SE: counts near 1e6 with an
 * observation-level effect pin the intercept to 1e-4 given the effects, while glmer's SE is 0.072. In
 * conditional units its curvature looked flat: the SE printed as NaN with a false singular-fit warning.
 */
describe('--ml boundary checks', () => {
  it('counts near 1e6 with an observation-level effect: the intercept\'s SE as glmer has it, no boundary warning', async () => {
    const dir = new URL('./fixtures/', import.meta.url);
    const ref = JSON.parse(readFileSync(new URL('lme4_large_counts_obs_level.json', dir), 'utf8'));
    const data = readFileSync(new URL('large_counts_obs_level.csv', dir), 'utf8');
    const source = `data "data.csv" { y: count  g: factor  obs: factor }
model { y ~ poisson(1 + (1 | g) + (1 | obs)) }`;
    const fit = await inferFit(compile(source, { data, ml: true }), { engine: 'laplace' });
    expect(fit.warnings).toEqual([]);
    const row = (name: string) => fit.summary.find((r) => r.name === name)!;
    expect(Math.abs(row('(Intercept)').mean - ref.intercept.est) / ref.intercept.se).toBeLessThan(0.02);
    expect(Math.abs(row('(Intercept)').sd / ref.intercept.se - 1)).toBeLessThan(0.02);
    expect(Math.abs(row('sd[g, (Intercept)]').mean - ref.sd_g)).toBeLessThan(0.005);
    expect(Math.abs(row('sd[obs, (Intercept)]').mean - ref.sd_o)).toBeLessThan(0.001);
    expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - ref.logLik)).toBeLessThan(0.05);
  });
});

/** Poisson counts by inversion from one seeded stream. */
function poisson(rng: ReturnType<typeof createRng>, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = rng.uniform();
  while (u > cdf && k < 10_000) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

describe('--ml at the edges of a parameter\'s range', () => {
  it('a negative binomial fitted to Poisson counts: the dispersion runs to infinity, said so, no SE', async () => {
    const rng = createRng('nb-poisson');
    const u = Array.from({ length: 20 }, () => 0.4 * rng.normal());
    const rows = Array.from({ length: 400 }, (_, i) => `${poisson(rng, Math.exp(1.5 + u[i % 20]))},g${i % 20}`);
    const fit = await inferFit(compile('data { y: count  g: factor }\nmodel { y ~ negative_binomial(1 + (1 | g)) }', { data: ['y,g', ...rows].join('\n'), ml: true }), { engine: 'laplace' });
    const phi = fit.summary.find((r) => r.name === 'phi')!;
    expect(phi.mean).toBeGreaterThan(1e3);
    expect(phi.sd).toBeNaN();
    expect(messages(fit.warnings)).toEqual([expect.stringMatching(/^'phi' runs to infinity \(estimated at [\d.e+]+ with the likelihood nearly flat beyond\)/)]);
  });

  it('an observation-level sd in a Bernoulli model, which the data cannot identify: a singular fit, no SE', async () => {
    const rng = createRng('bern-obs');
    const rows = Array.from({ length: 600 }, (_, i) => {
      const x = rng.normal();
      return `${rng.uniform() < 1 / (1 + Math.exp(-(0.3 + 0.8 * x))) ? 1 : 0},${x.toFixed(4)},o${i}`;
    });
    const fit = await inferFit(compile('data { y: binary  x: real  obs: factor }\nmodel { y ~ bernoulli(1 + x + (1 | obs)) }', { data: ['y,x,obs', ...rows].join('\n'), ml: true }), { engine: 'laplace' });
    const sd = fit.summary.find((r) => r.name === 'sd[obs, (Intercept)]')!;
    // A Bernoulli row carries no information on its own effect: the likelihood is all but flat in the sd.
    expect(sd.mean).toBeLessThan(0.2);
    expect(sd.sd).toBeNaN();
    expect(messages(fit.warnings)).toEqual([expect.stringMatching(/^boundary \(singular\) fit: 'sd\[obs, \(Intercept\)\]' is estimated at the edge/)]);
  });
});

describe('--ml on a singular block of several correlated terms', () => {
  it('no slopes in the data, (1 + x1 + x2 + x3 | g): a singular fit, not E518', async () => {
    const rng = createRng('singular-block');
    const u = Array.from({ length: 20 }, () => 0.6 * rng.normal());
    const rows = Array.from({ length: 200 }, (_, i) => {
      const xs = Array.from({ length: 3 }, () => rng.normal());
      return [(0.4 + u[i % 20] + 0.1 * xs[0] + rng.normal()).toFixed(4), ...xs.map((x) => x.toFixed(4)), `g${i % 20}`].join(',');
    });
    const data = ['y,x1,x2,x3,g', ...rows].join('\n');
    const fit = await inferFit(compile('data { y: real  x1: real  x2: real  x3: real  g: factor }\nmodel { y ~ gaussian(1 + x1 + (1 + x1 + x2 + x3 | g)) }',
      { data, ml: true }), { engine: 'laplace' });
    expect(Number.isFinite(diagnosticsOf(fit.diagnostics, 'ml').logLik)).toBe(true);
    expect(messages(fit.warnings).some((w) => w.startsWith('boundary (singular) fit:'))).toBe(true);
    const b = fit.summary.find((r) => r.name === '(Intercept)')!;
    expect(Number.isFinite(b.sd)).toBe(true);
  });
});
