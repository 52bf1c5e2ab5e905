import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { expectLme4Block, type Lme4Block } from './lme4_block.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/*
 * A block of three correlated terms, (1 + x + w | g): L is built from canonical partial correlations
 * (expand.ts correlatedBlock) and the correlations are reported as cor[g, a, b]. Against lme4
 * (fixtures/lme4_correlated3.R): fixed effects to 0.02 SE and their SEs to 2%, sds and correlations to
 * 0.01 (lme4 gives them no SEs), sigma to 1%, the log-likelihood to 0.05.
 */
const refs = JSON.parse(readFileSync(new URL('./fixtures/lme4_correlated3.json', import.meta.url), 'utf8')) as Record<string, Lme4Block>;

const source = (family: string, type: string, file: string): string =>
  `data "${file}" { y: ${type}  x: real  w: real  g: factor }\nmodel { y ~ ${family}(1 + x + w + (1 + x + w | g)) }`;

const CASES = [
  { name: 'gaussian_ml', family: 'gaussian', type: 'real', file: 'correlated3_gaussian.csv', mode: { ml: true } },
  { name: 'gaussian_reml', family: 'gaussian', type: 'real', file: 'correlated3_gaussian.csv', mode: { ml: true, reml: true } },
  { name: 'poisson_ml', family: 'poisson', type: 'count', file: 'correlated3_poisson.csv', mode: { ml: true } },
];

describe.each(CASES)('(1 + x + w | g), $name, against lme4', (c) => {
  it('estimates, SEs, sds, correlations and the log-likelihood', async () => {
    const data = readFileSync(new URL(`./fixtures/${c.file}`, import.meta.url), 'utf8');
    const fit = await inferFit(compile(source(c.family, c.type, c.file), { data, ...c.mode }), { engine: 'laplace' });
    expectLme4Block(fit, refs[c.name], 'g');
  });
});

describe('three correlated terms in the posterior', () => {
  it('the data-scale effects g[level, term] and the correlations are reported beside the standardised z', () => {
    const data = readFileSync(new URL('./fixtures/correlated3_gaussian.csv', import.meta.url), 'utf8');
    const m = compile(source('gaussian', 'real', 'correlated3_gaussian.csv'), { data });
    const names = m.ir.generated.filter((g) => g.derived).map((g) => g.name);
    expect(names).toContain('g[g01, w]');
    expect(names.filter((n) => n.startsWith('cor['))).toEqual(['cor[g, (Intercept), x]', 'cor[g, (Intercept), w]', 'cor[g, x, w]']);
    // The canonical partial correlations carry LKJ(2)'s Beta(b, b) densities: b = 2 + (3 - 2 - j) / 2.
    const cpc = m.ir.params.filter((p) => p.name.startsWith('cpc_')).map((p) => [p.name, m.ir.priors.find((t) => t.param === m.ir.params.indexOf(p))!.args[0]]);
    expect(cpc).toEqual([
      ['cpc_g_x_Intercept', { op: 'const', value: 2.5 }], ['cpc_g_w_Intercept', { op: 'const', value: 2.5 }], ['cpc_g_w_x', { op: 'const', value: 2 }],
    ]);
  });
});

describe('three correlated terms at a singular fit', () => {
  // Every sd at 0 leaves the correlations' rows of the outer Hessian not finite; those rows are flat (no SE),
  // and the fixed effects keep their SEs, as lme4 gives them (fixtures/lme4_correlated3_singular.R). Before,
  // every row that held one such entry was flattened: no fixed effect had an SE.
  const ref = JSON.parse(readFileSync(new URL('./fixtures/lme4_correlated3_singular.json', import.meta.url), 'utf8')) as {
    fixed: Record<string, { est: number; se: number }>; sigma: number; logLik: number;
  };
  it('fixed effects within 0.02 SE with SEs within 2%, sigma to 1%, the log-likelihood to 0.05, and a singular-fit warning', async () => {
    const data = readFileSync(new URL('./fixtures/correlated3_singular.csv', import.meta.url), 'utf8');
    const fit = await inferFit(compile(source('gaussian', 'real', 'correlated3_singular.csv'), { data, ml: true }), { engine: 'laplace' });
    const rows = new Map(fit.summary.map((r) => [r.name, r]));
    for (const [name, r] of Object.entries(ref.fixed)) {
      expect(Math.abs(rows.get(name)!.mean - r.est) / r.se, name).toBeLessThan(0.02);
      expect(Math.abs(rows.get(name)!.sd / r.se - 1), `${name} SE`).toBeLessThan(0.02);
    }
    expect(rows.get('sigma')!.mean / ref.sigma).toBeCloseTo(1, 2);
    expect(Math.abs(diagnosticsOf(fit.diagnostics, 'ml').logLik - ref.logLik)).toBeLessThan(0.05);
    const singular = fit.warnings.find((w) => w.code === 'singular-fit');
    expect(singular?.params).not.toContain('x');
    expect(singular?.params).toContain('sd[g, w]');
  });
});
