import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/*
 * Zero-inflated Poisson and negative binomial GLMMs with a random intercept and a constant zero-inflation
 * probability, in block form and as formulas, against glmmTMB's ML fit (ziformula = ~1;
 * fixtures/glmmtmb_zero_inflated.R): estimates within 0.02 SE, SEs within 2%, sd, dispersion and zi to
 * 1e-3 relative, log-likelihood within 0.05.
 */
type Ref = { b0: { est: number; se: number }; b1: { est: number; se: number }; sd_g: number; zi: number; phi?: number; logLik: number };
const refs = JSON.parse(readFileSync(new URL('./fixtures/glmmtmb_zero_inflated.json', import.meta.url), 'utf8')) as { poisson: Ref; negbin: Ref };
const data = readFileSync(new URL('./fixtures/zero_inflated.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y_pois: count  y_nb: count  x: real  g: factor }';

const block = (nb: boolean): string => `${head}
parameters {
  b0 ~ Normal(0, 5)
  b1 ~ Normal(0, 5)
  sd_g ~ HalfNormal(1)
  ${nb ? 'phi ~ Exponential(0.1)\n  ' : ''}zi: bounded(0, 1) ~ Beta(1, 1)
  u[g] ~ Normal(0, sd_g)
}
model { ${nb ? 'y_nb ~ ZeroInflatedNegativeBinomial(b0 + b1 * x + u[g], phi, zi)' : 'y_pois ~ ZeroInflatedPoisson(b0 + b1 * x + u[g], zi)'} }`;
const formula = (nb: boolean): string => `${head}\nmodel { ${nb ? 'y_nb ~ zero_inflated_negbinomial' : 'y_pois ~ zero_inflated_poisson'}(1 + x + (1 | g)) }`;

const CASES = [
  { label: 'ZIP, block form', source: block(false), ref: refs.poisson, names: ['b0', 'b1', 'sd_g', 'zi'] },
  { label: 'ZINB, block form', source: block(true), ref: refs.negbin, names: ['b0', 'b1', 'sd_g', 'zi', 'phi'] },
  { label: 'ZIP, formula', source: formula(false), ref: refs.poisson, names: ['(Intercept)', 'x', 'sd[g, (Intercept)]', 'zi'] },
  { label: 'ZINB, formula', source: formula(true), ref: refs.negbin, names: ['(Intercept)', 'x', 'sd[g, (Intercept)]', 'zi', 'phi'] },
];

describe.each(CASES)('$label', (c) => {
  it("--ml matches glmmTMB's fit", async () => {
    const fit = await inferFit(compile(c.source, { data, ml: true }), { engine: 'laplace' });
    const rows = new Map(fit.summary.map((r) => [r.name, r]));
    const [b0, b1, sd, zi, phi] = c.names.map((n) => rows.get(n)!);
    for (const [row, ref, name] of [[b0, c.ref.b0, 'b0'], [b1, c.ref.b1, 'b1']] as const) {
      expect(Math.abs(row.mean - ref.est) / ref.se, name).toBeLessThan(0.02);
      expect(Math.abs(row.sd / ref.se - 1), `${name} SE`).toBeLessThan(0.02);
    }
    expect(sd.mean / c.ref.sd_g).toBeCloseTo(1, 3);
    expect(zi.mean / c.ref.zi).toBeCloseTo(1, 3);
    if (phi) expect(phi.mean / c.ref.phi!).toBeCloseTo(1, 3);
    expect(Math.abs(diagnosticsOf(fit.diagnostics, 'ml').logLik - c.ref.logLik)).toBeLessThan(0.05);
    expect(fit.warnings).toEqual([]);
  }, 60_000);
});

describe('the posterior of a zero-inflated negative binomial GLMM', () => {
  it('nested Laplace covers the simulated values (b0 0.8, b1 0.5, sd 0.4, zi 0.3, phi 2)', async () => {
    const fit = await inferFit(compile(formula(true), { data }), { engine: 'laplace', seed: 1 });
    const rows = new Map(fit.summary.map((r) => [r.name, r]));
    for (const [name, truth] of [['(Intercept)', 0.8], ['x', 0.5], ['sd[g, (Intercept)]', 0.4], ['zi', 0.3], ['phi', 2]] as const) {
      expect(truth, name).toBeGreaterThan(rows.get(name)!.q2_5);
      expect(truth, name).toBeLessThan(rows.get(name)!.q97_5);
    }
  }, 60_000);
});
