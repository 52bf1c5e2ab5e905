import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { compileText } from '../helpers.js';

const csv = 'y,x\n0.2,0.5\n0.7,-1.2\n0.45,0.3\n0.9,1.1\n';
const beta = (second: string): string =>
  `data { y: real\n x: real }\nparameters {\n a ~ Normal(0, 1)\n b ~ Normal(0, 1)\n phi ~ Gamma(2, 0.1)\n}\nmodel { y ~ Beta(inv_logit(a + b * x) * phi, ${second}) }`;
const codes = (source: string): string[] => {
  try {
    compileText(source, csv);
  } catch (e) {
    if (e instanceof GlimmerError) return e.diagnostics.map((d) => d.code);
    throw e;
  }
  return [];
};

// Beta regression in mean and precision: a = mu phi, b = (1 - mu) phi with mu = inv_logit(eta).
describe('the sign analysis', () => {
  it('knows 1 - inv_logit(x) is in (0, 1), and c - inv_logit(x) positive for c >= 1', () => {
    expect(codes(beta('(1 - inv_logit(a + b * x)) * phi'))).toEqual([]);
    expect(codes(beta('(3 - inv_logit(a + b * x)) * phi'))).toEqual([]);
  });

  it('still refuses what may be negative', () => {
    expect(codes(beta('(0.5 - inv_logit(a + b * x)) * phi'))).toEqual(['E209']);
    expect(codes(beta('(1 - exp(a)) * phi'))).toEqual(['E209']);
  });
});
