import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../../src/core/errors.js';
import { renderDiagnostic } from '../../../src/core/render_error.js';
import { createRng } from '../../../src/core/rng.js';
import { logKernelF64 } from '../../../src/compiler/eval_f64.js';
import { hostConstant, paramNames } from '../../../src/compiler/layout.js';
import { compileText } from '../../helpers.js';

const rng = createRng(31);
const csv = ['y,n,k,z,x,w,f,a,b,g,h', ...Array.from({ length: 90 }, (_, i) => [
  i % 5, 4, i % 5, (rng.normal() + 1).toFixed(3), rng.normal().toFixed(3), rng.normal().toFixed(3),
  ['lo', 'mid', 'hi'][i % 3], `a${i % 2}`, `b${(i >> 1) % 3}`, `g${i % 6}`, `h${i % 4}`,
].join(','))].join('\n');
const head = 'data { y: count n: count k: count z: real x: real w: real f: factor a: factor b: factor g: factor h: factor }';
const names = (src: string): string[] => paramNames(compileText(`${head}\n${src}`, csv).ir).constrained;

describe('formula terms get lme4 names and R treatment contrasts', () => {
  it('intercept, factor with contrasts, numeric, factor:numeric', () => {
    // R: levels of f sorted "hi", "lo", "mid"; the reference "hi" is dropped.
    expect(names('model { y ~ poisson(1 + f + x + f:x + (1 | g)) }').filter((n) => !n.startsWith('g['))).toEqual(
      ['(Intercept)', 'flo', 'fmid', 'x', 'flo:x', 'fmid:x', 'sd[g, (Intercept)]']);
  });
  it('no intercept: the first factor is coded fully, the next by contrasts', () => {
    expect(names('model { y ~ poisson(0 + f + a) }')).toEqual(['fhi', 'flo', 'fmid', 'aa1']);
  });
  it('a*b expands to main effects and an interaction of the non-reference levels', () => {
    expect(names('model { y ~ poisson(a * b) }')).toEqual(['(Intercept)', 'aa1', 'bb1', 'bb2', 'aa1:bb1', 'aa1:bb2']);
  });
  it('nested (1 | a/b) and crossed groupings', () => {
    const n = names('model { y ~ poisson(1 + (1 | a/b) + (1 | h)) }');
    expect(n.filter((x) => x.startsWith('sd['))).toEqual(['sd[a, (Intercept)]', 'sd[a:b, (Intercept)]', 'sd[h, (Intercept)]']);
    expect(n).toContain('a:b[a0:b0, (Intercept)]');
    expect(n).toContain('h[h3, (Intercept)]');
  });
  it('uncorrelated (1 + x || g) and correlated (1 + x | g) slopes', () => {
    const u = names('model { z ~ gaussian(1 + x + (1 + x || g)) }');
    expect(u.filter((x) => x.startsWith('sd['))).toEqual(['sd[g, (Intercept)]', 'sd[g, x]']);
    expect(u).toContain('g[g0, x]');
    const c = names('model { z ~ gaussian(1 + x + (1 + x | g)) }');
    expect(c).toContain('cor[g, (Intercept), x]');
    expect(c).toContain('sigma');
  });
  it('binomial with trials, negative binomial with a dispersion', () => {
    expect(names('model { k ~ binomial(trials = n, 1 + x) }')).toEqual(['(Intercept)', 'x']);
    expect(names('model { y ~ negative_binomial(1 + (1 | g)) }')).toContain('phi');
  });
});

describe('a formula and the hand-written model are the same log density', () => {
  const formula = compileText(`${head}\nmodel { y ~ poisson(0 + f + x + offset(log(n)) + (1 | g)) }`, csv);
  const hand = compileText(`${head}
parameters { bf[f] ~ Normal(0, 10)  bx ~ Normal(0, 10)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
model { y ~ Poisson(log_rate = bf[f] + bx * x + log(n) + u[g]) }`, csv);
  it('at random points, to float64 precision', () => {
    for (let k = 0; k < 5; k++) {
      const theta = Float64Array.from({ length: hand.ir.dim }, () => 0.5 * rng.normal());
      const full = (m: typeof hand) => logKernelF64(m.rowwiseIr, theta) + hostConstant(m.rowwiseIr);
      expect(full(formula)).toBeCloseTo(full(hand), 9);
    }
  });
  it('and both reduce to the same cells', () => {
    expect(formula.reduction).toEqual(hand.reduction);
  });
  it('a parameters-block declaration replaces a default prior', () => {
    const m = compileText(`${head}\nparameters { sd_g ~ HalfCauchy(2) }\nmodel { y ~ poisson(1 + (1 | g)) }`, csv);
    const p = m.ir.params.findIndex((q) => q.name === 'sd_g');
    expect(m.ir.priors.filter((t) => t.param === p).map((t) => t.dist.name)).toEqual(['HalfCauchy']);
  });
});

describe('unsupported formulas get located errors that name the problem', () => {
  const fail = (body: string): string => {
    const src = `${head}\n${body}`;
    try {
      compileText(src, csv);
    } catch (e) {
      return (e as GlimmerError).diagnostics.map((d) => renderDiagnostic(d, new Map([['test.glmm', src]]))).join('\n');
    }
    return 'no error';
  };
  it.each([
    ['an unknown family', 'model { y ~ gama(1 + x) }', "error[E220]: unknown family 'gama'"],
    ['a spline of too few degrees of freedom', 'model { y ~ poisson(1 + bs(x, 2)) }', 'error[E220]: bs() takes a column and its degrees of freedom, a whole number >= 3'],
    ['an interaction of factors inside a random term', 'model { y ~ poisson(1 + (1 + f:h | g)) }', "error[E220]: an interaction of factors ('f:h') inside a random-effect term is not supported"],
    ['seven correlated terms', 'model { z ~ gaussian(1 + (1 + x + w + x:w + n + k + n:k | g)) }', 'error[E220]: 7 correlated random-effect terms are not supported (at most 6)'],
    ['an unknown column', 'model { y ~ poisson(1 + xx) }', "error[E220]: unknown column 'xx' in the formula"],
    ['a random term twice', 'model { y ~ poisson(1 + (1 | g) + (1 + x | g)) }', "error[E220]: the random effect of '(Intercept)' by 'g' is in the formula twice"],
    ['binomial without trials', 'model { k ~ binomial(1 + x) }', 'error[E220]: binomial needs the number of trials'],
    ['a bar outside a formula', 'parameters { m ~ Normal(0, 1) } model { y ~ Poisson(log_rate = m | g) }', "error[E205]: '|' only has a meaning inside a formula"],
  ])('%s', (_n, body, first) => {
    const text = fail(body);
    expect(text.split('\n')[0]).toBe(first);
    expect(text).toMatch(/--> test\.glmm:2:\d+/);
  });
});

describe("lme4's uncorrelated pair written as two terms", () => {
  it('(1 | g) + (0 + x | g) gives the parameters (1 + x || g) gives', () => {
    const names = (f: string): string[] => compileText(`${head}\nmodel { y ~ poisson(${f}) }`, csv).ir.params
      .flatMap((p) => p.elementNames ?? [p.name]);
    expect(names('1 + x + (1 | g) + (0 + x | g)').sort()).toEqual(names('1 + x + (1 + x || g)').sort());
    expect(names('1 + x + (0 + x | g)')).toContain('sd[g, x]');
  });
});

describe('a distribution written as a formula family', () => {
  it('says which families formulas take and that the distribution is written in block form', () => {
    const src = `${head}\nmodel { y ~ exponential(1 + x + (1 | g)) }`;
    let text = 'no error';
    try {
      compileText(src, csv);
    } catch (e) {
      text = (e as GlimmerError).diagnostics.map((d) => renderDiagnostic(d, new Map([['test.glmm', src]]))).join('\n');
    }
    expect(text.split('\n')[0]).toBe("error[E220]: unknown family 'exponential'");
    expect(text.split('\n').at(-1)).toBe("hint: formula families are gaussian, poisson, bernoulli, binomial, negative_binomial, gamma, lognormal, student, beta, " +
      "zero_inflated_poisson, zero_inflated_negbinomial, hurdle_poisson, hurdle_negbinomial; " +
      "'Exponential' is a distribution, written in block form with its own arguments (parameters { ... } and model { y ~ Exponential(...) }: see docs/language.md, \"Distributions\")");
  });
});

describe('a factor with one level cannot be contrasted', () => {
  it('is a located E220 naming the factor and its level, as lme4 refuses it', () => {
    const src = 'data { y: count  x: real  one: factor }\nmodel { y ~ poisson(1 + x + one) }';
    const data = ['y,x,one', ...Array.from({ length: 10 }, (_, i) => `${i % 3},${(i / 10).toFixed(1)},only`)].join('\n');
    let text = 'no error';
    try {
      compileText(src, data);
    } catch (e) {
      text = (e as GlimmerError).diagnostics.map((d) => renderDiagnostic(d, new Map([['test.glmm', src]]))).join('\n');
    }
    expect(text.split('\n')[0]).toBe("error[E220]: factor 'one' has one level ('only') in the data, so 'one' has no column to estimate");
    expect(text).toContain('--> test.glmm:2:');
    // Without an intercept the factor is coded fully: one level is then one column, and that is fine.
    expect(() => compileText('data { y: count  one: factor }\nmodel { y ~ poisson(0 + one) }', data)).not.toThrow();
  });

  it('inside a random term too, with or without the intercept (lme4 refuses both)', () => {
    const data = ['y,x,one,g', ...Array.from({ length: 12 }, (_, i) => `${i % 3},${(i / 10).toFixed(1)},only,g${i % 3}`)].join('\n');
    for (const term of ['(1 + one | g)', '(0 + one | g)']) {
      expect(() => compileText(`data { y: count  x: real  one: factor  g: factor }\nmodel { y ~ poisson(1 + x + ${term}) }`, data))
        .toThrow(/factor 'one' has one level \('only'\) in the data, so the random term has no column for it/);
    }
  });
});

describe('a gaussian model with an effect per row', () => {
  it('is refused as lme4 refuses it: the effect is the residual itself; other families take it (overdispersion)', () => {
    const data = ['y,k,x,obs', ...Array.from({ length: 12 }, (_, i) => `${(i * 0.37) % 2},${i % 4},${i / 12},o${i}`)].join('\n');
    const head = 'data { y: real  k: count  x: real  obs: factor }';
    expect(() => compileText(`${head}\nmodel { y ~ gaussian(1 + x + (1 | obs)) }`, data)).toThrow(/'obs' has 12 levels for 12 rows: in a gaussian model an effect per row cannot be told apart from the residual sigma/);
    expect(() => compileText(`${head}\nmodel { k ~ poisson(1 + x + (1 | obs)) }`, data)).not.toThrow();
  });
});
