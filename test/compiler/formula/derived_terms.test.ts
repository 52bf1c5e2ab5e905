import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { expectMatchesLmer, type LmerRef } from './lmer_ref.js';
import { orthogonalPolynomials } from '../../../src/compiler/formula/derived_columns.js';
import { compileMessage } from '../../helpers.js';

// Terms a formula makes from the data, named and computed as R does: scale(), poly(), relevel(), I() and
// a function of a column. lme4's fit of the same formula: fixtures/derived_terms.R.
type Lmer = LmerRef;
const ref = JSON.parse(readFileSync(new URL('./fixtures/derived_terms.json', import.meta.url), 'utf8')) as Lmer & { power: Lmer; weights: Lmer };
const data = readFileSync(new URL('./fixtures/derived_terms.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y: real  x: real  z: real  w: positive  trt: factor  g: factor }';
const model = (formula: string, ml = true) => compile(`${head}\nmodel { y ~ gaussian(${formula}) }`, { data, ml });

describe('scale(), poly(), relevel(), I() and log() in a formula', () => {
  it.each([
    { formula: '1 + scale(x) + poly(z, 2) + relevel(trt, "B") + I(x * z) + log(w) + (1 | g)', lmer: ref as Lmer },
    // The power operator: a covariate's power inside I(), and R's formula power, every product of at most k terms.
    { formula: '1 + I(z^2) + (x + z + trt)^2 + (1 | g)', lmer: ref.power },
    // lmer's prior weights: a residual variance sigma^2 / w per row.
    { formula: '1 + x + z + (1 | g), weights = w', lmer: ref.weights },
  ])("$formula matches lmer's fit: R's column names, estimates within 0.02 SE, SEs within 2%, log-likelihood within 0.05", async ({ formula, lmer }) => {
    expectMatchesLmer(await inferFit(model(formula), { engine: 'laplace' }), lmer);
  });

  it("poly()'s columns are orthonormal and span the centred powers", () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3 + i / 10);
    const [p1, p2, p3] = orthogonalPolynomials(x, 3, 'poly(x, 3)', { file: 't', line: 1, col: 1, endLine: 1, endCol: 2 } as never);
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i], 0);
    for (const [a, b, want] of [[p1, p1, 1], [p2, p2, 1], [p3, p3, 1], [p1, p2, 0], [p1, p3, 0], [p2, p3, 0]] as const) expect(dot(a, b)).toBeCloseTo(want, 12);
    expect(p1.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 12);
    // The first column is x centred and scaled, increasing with x: R's sign.
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const norm = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0));
    x.forEach((v, i) => expect(p1[i]).toBeCloseTo((v - mean) / norm, 12));
  });

  it('refuses what it cannot compute, with located messages', () => {
    const message = (formula: string): string => compileMessage(() => model(formula));
    expect(message('1 + relevel(trt, "b")')).toBe("E220: 'b' is not a level of 'trt' (did you mean 'B'?)");
    expect(message('1 + scale(trt)')).toBe("E220: 'trt' is a factor: scale(trt) needs a numeric column");
    expect(message('1 + log(z)')).toMatch(/^E220: log\(z\) is NaN at data row \d+ \(a covariate must be finite in every row\)$/);
    expect(message('1 + poly(z, 0)')).toBe("E220: poly() takes a column and a degree, a whole number >= 1 (poly(x, 2): R's orthogonal polynomials of degree 1 and 2)");
    expect(message('1 + x, weights = z')).toMatch(/^E220: the weights are -?[\d.]+ at data row \d+ \(weights must be positive and finite in every row\)$/);
    expect(message('1 + ns(x, 400)')).toMatch(/^E220: ns\(x, 400\)1: 400 degrees of freedom need more than 400 distinct values of 'x' \(it has \d+\)$/);
  });
});
