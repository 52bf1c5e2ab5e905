import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';

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
    expect(Math.abs((fit.diagnostics.logLik as number) - ref.logLik)).toBeLessThan(0.05);
  });
});
