import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { compileMessage } from '../../helpers.js';

/*
 * The formula families beyond lme4's glmer set: gamma (log link), lognormal, student and beta (logit
 * link), as glmmTMB and brms write them. --ml against glmmTMB and lme4 (gamma and beta: the block-form
 * fixtures of test/engines/nested, glmmtmb_nonlinear.R; lognormal and student: fixtures/families.R),
 * estimates within 0.02 SE, SEs within 2%, log-likelihood within 0.05; the posterior (nested Laplace)
 * covers the values the data were simulated from.
 */
type Est = { est: number; se: number };
const nested = JSON.parse(readFileSync(new URL('../../engines/nested/fixtures/glmmtmb_nonlinear.json', import.meta.url), 'utf8')) as
  Record<'gamma' | 'beta', { b0: Est; b1: Est; sd_g: Est; dispersion: number; logLik: number }>;
const own = JSON.parse(readFileSync(new URL('./fixtures/families.json', import.meta.url), 'utf8')) as {
  lognormal: { b0: Est; b1: Est; sd_g: number; sigma: number; logLik: number; truth: Record<string, number> };
  student: { b0: Est; b1: Est; sd_g: number; sigma: number; nu: number; logLik: number; truth: Record<string, number> };
};
const text = (url: URL): string => readFileSync(url, 'utf8');

interface Case {
  readonly family: string;
  readonly data: string;
  readonly yType: string;
  readonly ref: { b0: Est; b1: Est; logLik: number };
  /** The family's own parameter(s) against the reference: name -> reference value. */
  readonly own: Record<string, number>;
  readonly sdG: number;
}

const cases: Case[] = [
  { family: 'gamma(1 + x + (1 | g), link = "log")', data: text(new URL('../../engines/nested/fixtures/gamma_glmm.csv', import.meta.url)), yType: 'positive',
    // glmmTMB's sigma for Gamma is the coefficient of variation, 1 / sqrt(shape).
    ref: nested.gamma, own: { shape: 1 / nested.gamma.dispersion ** 2 }, sdG: nested.gamma.sd_g.est },
  { family: 'beta(1 + x + (1 | g))', data: text(new URL('../../engines/nested/fixtures/beta_glmm.csv', import.meta.url)), yType: 'real',
    ref: nested.beta, own: { phi: nested.beta.dispersion }, sdG: nested.beta.sd_g.est },
  { family: 'lognormal(1 + x + (1 | g))', data: text(new URL('./fixtures/lognormal.csv', import.meta.url)), yType: 'positive',
    ref: own.lognormal, own: { sigma: own.lognormal.sigma }, sdG: own.lognormal.sd_g },
  { family: 'student(1 + x + (1 | g))', data: text(new URL('./fixtures/student.csv', import.meta.url)), yType: 'real',
    ref: own.student, own: { nu: own.student.nu, sigma: own.student.sigma }, sdG: own.student.sd_g },
];

const source = (c: Case): string => `data "d.csv" { y: ${c.yType}  x: real  g: factor }\nmodel { y ~ ${c.family} }`;

describe.each(cases)('y ~ $family', (c) => {
  it('--ml matches the reference: estimates within 0.02 SE, SEs within 2%, the family\'s parameters and sd to 1e-3, log-likelihood within 0.05', async () => {
    const fit = await inferFit(compile(source(c), { data: c.data, ml: true }), { engine: 'laplace' });
    const rows = new Map(fit.summary.map((r) => [r.name, r]));
    for (const [name, ref] of [['(Intercept)', c.ref.b0], ['x', c.ref.b1]] as const) {
      expect(Math.abs(rows.get(name)!.mean - ref.est) / ref.se, name).toBeLessThan(0.02);
      expect(Math.abs(rows.get(name)!.sd / ref.se - 1), `${name} SE`).toBeLessThan(0.02);
    }
    for (const [name, value] of Object.entries(c.own)) expect(rows.get(name)!.mean / value, name).toBeCloseTo(1, 3);
    expect(rows.get('sd[g, (Intercept)]')!.mean / c.sdG).toBeCloseTo(1, 3);
    expect(Math.abs(diagnosticsOf(fit.diagnostics, 'ml').logLik - c.ref.logLik)).toBeLessThan(0.05);
    expect(fit.warnings).toEqual([]);
  }, 60_000);
});

describe('the posterior of a formula family', () => {
  it.each([['lognormal', own.lognormal.truth], ['student', own.student.truth]] as const)('%s: nested Laplace covers the simulated values', async (family, truth) => {
    const c = cases.find((k) => k.family.startsWith(family))!;
    const fit = await inferFit(compile(source(c), { data: c.data }), { engine: 'laplace', seed: 1 });
    const rows = new Map(fit.summary.map((r) => [r.name, r]));
    const names: Record<string, string> = { b0: '(Intercept)', b1: 'x', sd_g: 'sd[g, (Intercept)]', sigma: 'sigma', nu: 'nu' };
    for (const [k, v] of Object.entries(truth)) {
      const r = rows.get(names[k])!;
      expect(v, k).toBeGreaterThan(r.q2_5);
      expect(v, k).toBeLessThan(r.q97_5);
    }
  }, 60_000);
});

describe('formula families: links and arguments', () => {
  const data = cases[0].data;
  const message = (family: string): string => compileMessage(() => compile(`data "d.csv" { y: positive  x: real  g: factor }\nmodel { y ~ ${family} }`, { data }));
  it('gamma says which link it means; only the log link is supported', () => {
    expect(message('gamma(1 + x + (1 | g))')).toBe('E220: gamma() needs its link written out: link = "log" (write y ~ gamma(..., link = "log"); lme4\'s and brms\'s default, "inverse", is not supported)');
    expect(message('gamma(1 + x, link = "inverse")')).toBe('E220: gamma() takes link = "log", not "inverse" (lme4\'s default Gamma link, "inverse", is not supported: the log link keeps every mean positive)');
    expect(message('gamma(1 + x, link = log)')).toBe('E220: gamma() takes link = "log", a string (lme4\'s default Gamma link, "inverse", is not supported: the log link keeps every mean positive)');
  });
  it('accepts the one link each family has, and refuses other arguments', () => {
    expect(message('lognormal(1 + x)')).toBe('compiled');
    expect(message('student(1 + x, link = "identity")')).toBe('compiled');
    expect(message('beta(1 + x, link = "probit")')).toBe('E220: beta() takes link = "logit", not "probit"');
    expect(message('lognormal(1 + x, weights = x)')).toBe("E220: lognormal() takes no weights: only gaussian does (lme4's lmer weights, a residual variance sigma^2 / w)");
    expect(message('lognormal(1 + x, offset = x)')).toBe('E220: lognormal() has no argument \'offset\' (lognormal takes \'link = "identity"\')');
  });
});
