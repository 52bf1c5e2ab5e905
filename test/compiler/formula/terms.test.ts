import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { expectMatchesLmer, type LmerRef } from './lmer_ref.js';

// Terms as R reads them: an interaction's columns named with its variables in the order written, and a
// variable crossed with itself is itself. lme4's fit: fixtures/terms.R.
const ref = JSON.parse(readFileSync(new URL('./fixtures/terms.json', import.meta.url), 'utf8')) as LmerRef;
const data = readFileSync(new URL('./fixtures/terms.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y: real  x: real  trt: factor  g: factor }';
const fixedNames = (formula: string): string[] =>
  compile(`${head}\nmodel { y ~ gaussian(${formula}) }`, { data, ml: true }).params.filter((p) => p.name.startsWith('b_')).map((p) => p.name);

describe('interactions are named as R names them', () => {
  it('x * trt matches lmer: the names x:trtB and x:trtC, estimates within 0.02 SE, SEs within 2%, log-likelihood within 0.05', async () => {
    expectMatchesLmer(await inferFit(compile(`${head}\nmodel { y ~ gaussian(1 + x * trt + (1 | g)) }`, { data, ml: true }), { engine: 'laplace' }), ref);
  });
  it('trt * x keeps the order written (trtB:x), and x:x is x', async () => {
    const names = async (formula: string): Promise<string[]> => {
      const fit = await inferFit(compile(`${head}\nmodel { y ~ gaussian(${formula}) }`, { data, ml: true }), { engine: 'laplace' });
      return fit.summary.map((r) => r.name).filter((n) => !n.startsWith('g[') && !n.startsWith('sd[') && n !== 'sigma');
    };
    expect(await names('1 + trt * x + (1 | g)')).toEqual(['(Intercept)', 'trtB', 'trtC', 'x', 'trtB:x', 'trtC:x']);
    expect(await names('1 + x:x + (1 | g)')).toEqual(['(Intercept)', 'x']);
    expect(fixedNames('1 + x:x + x:trt:x')).toEqual(fixedNames('1 + x + x:trt'));
  });
});
