import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { expectLme4Block, type Lme4Block } from './lme4_block.js';

/*
 * A factor inside a random-effect term, (1 + trt | site): treatment-coded indicator columns (trtB, trtC)
 * beside the intercept, a correlated block of three terms. Against lme4 (fixtures/lme4_factor_slopes.R):
 * fixed effects to 0.02 SE and 2% in SE, sds and correlations to 0.01, the log-likelihood to 0.05.
 */
const dir = new URL('./fixtures/', import.meta.url);
const refs = JSON.parse(readFileSync(new URL('lme4_factor_slopes.json', dir), 'utf8')) as Record<string, Lme4Block>;
const data = readFileSync(new URL('factor_slopes.csv', dir), 'utf8');
const head = 'data "data.csv" { y: real  k: count  trt: factor  site: factor }';
const CASES = [
  { name: 'gaussian_ml', model: 'y ~ gaussian(1 + trt + (1 + trt | site))', flags: { ml: true } },
  { name: 'gaussian_reml', model: 'y ~ gaussian(1 + trt + (1 + trt | site))', flags: { ml: true, reml: true } },
  { name: 'poisson_ml', model: 'k ~ poisson(1 + trt + (1 + trt | site))', flags: { ml: true } },
];

describe.each(CASES)('(1 + trt | site), $name, against lme4', (c) => {
  it('estimates, SEs, sds, correlations and the log-likelihood', async () => {
    const fit = await inferFit(compile(`${head}\nmodel { ${c.model} }`, { data, ...c.flags }), { engine: 'laplace' });
    expectLme4Block(fit, refs[c.name], 'site');
    expect(fit.summary.map((r) => r.name)).toContain('site[s01, trtC]');
  });
});

describe('factors inside random-effect terms', () => {
  it('(0 + trt | site) codes every level, as R does', () => {
    const m = compile(`${head}\nmodel { y ~ gaussian(1 + (0 + trt | site)) }`, { data });
    expect(m.ir.params.filter((p) => p.name.startsWith('sd_')).map((p) => p.elementNames![0])).toEqual(['sd[site, trtA]', 'sd[site, trtB]', 'sd[site, trtC]']);
  });
});
