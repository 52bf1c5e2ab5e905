import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { bSplineBasis, naturalSplineBasis } from '../../../src/compiler/formula/splines.js';
import { expectMatchesLmer, type LmerRef } from './lmer_ref.js';
import { compileMessage, expectLaplaceAgreesWithNuts } from '../../helpers.js';

// ns() and bs() in formulas, as R's splines package makes them: the bases against R's at fixed points
// (fixtures/splines.R), and lme4's fits with them (fixtures/splines_fit.R).
const bases = JSON.parse(readFileSync(new URL('./fixtures/splines.json', import.meta.url), 'utf8')) as { x: number[]; ns: Record<string, number[][]>; bs: Record<string, number[][]> };
const fits = JSON.parse(readFileSync(new URL('./fixtures/splines_fit.json', import.meta.url), 'utf8')) as Record<'ns' | 'bs' | 'poisson', LmerRef>;
const data = readFileSync(new URL('./fixtures/derived_terms.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y: real  x: real  z: real  w: positive  trt: factor  g: factor }';

describe("R's spline bases", () => {
  it.each([
    ...Object.keys(bases.ns).map((df) => ({ kind: 'ns' as const, df })),
    ...Object.keys(bases.bs).map((df) => ({ kind: 'bs' as const, df })),
  ])('$kind(x, df = $df): every column to 1e-12 of R, signs included', ({ kind, df }) => {
    const x = Float64Array.from(bases.x);
    const mine = (kind === 'ns' ? naturalSplineBasis : bSplineBasis)(x, Number(df));
    const theirs = bases[kind][df];
    expect(mine.length).toBe(theirs.length);
    theirs.forEach((col, j) => col.forEach((v, i) => expect(Math.abs(mine[j][i] - v), `${kind} column ${j + 1}, x = ${x[i]}`).toBeLessThan(1e-12)));
  });
});

describe("splines in a formula: lme4's fit", () => {
  it.each([
    { formula: '1 + ns(x, df = 3) + z + (1 | g)', ref: fits.ns },
    { formula: '1 + bs(z, 4) + x + (1 | g)', ref: fits.bs },
  ])("$formula: R's column names, estimates within 0.02 SE, SEs within 2%, log-likelihood within 0.05", async ({ formula, ref }) => {
    const m = compile(`${head}\nmodel { y ~ gaussian(${formula}) }`, { data, ml: true });
    expectMatchesLmer(await inferFit(m, { engine: 'laplace' }), ref);
  });

  it('a Poisson GLMM with ns(age, df = 4): glmer\'s fit; the posterior engines agree with each other', async () => {
    const counts = readFileSync(new URL('./fixtures/splines_poisson.csv', import.meta.url), 'utf8');
    const source = 'data "p.csv" { age: real  site: factor  count: count }\nmodel { count ~ poisson(1 + ns(age, df = 4) + (1 | site)) }';
    expectMatchesLmer(await inferFit(compile(source, { data: counts, ml: true }), { engine: 'laplace' }), fits.poisson);
    await expectLaplaceAgreesWithNuts(compile(source, { data: counts }), fits.poisson.names);
  }, 60_000);

  it('located errors: a df too small or not a number, knots, an argument R\'s functions do not have here', () => {
    const message = (formula: string): string => compileMessage(() => compile(`${head}\nmodel { y ~ gaussian(${formula}) }`, { data }));
    expect(message('1 + bs(x, 2)')).toBe('E220: bs() takes a column and its degrees of freedom, a whole number >= 3 (bs(x, df = 4): a cubic B-spline basis of 4 columns, knots at quantiles of x, as R\'s splines package)');
    expect(message('1 + ns(x, df = z)')).toBe('E220: ns() takes a column and its degrees of freedom, a whole number >= 1 (ns(x, df = 4): a natural cubic spline basis of 4 columns, knots at quantiles of x, as R\'s splines package)');
    expect(message('1 + ns(x, knots = 3)')).toBe("E220: ns() has no argument 'knots' here (write ns(x, df = ...); knots and Boundary.knots are not supported)");
    expect(message('1 + log(x = w)')).toBe('E220: log() takes no named arguments');
    expect(message('1 + ns(trt, 3)')).toBe("E220: 'trt' is a factor: ns(trt, 3)1 needs a numeric column");
  });
});
