import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { expectLme4Block, type Lme4Block } from './lme4_block.js';

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
