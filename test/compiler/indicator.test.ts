import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { compileMessage } from '../helpers.js';

// `trt == "A"` in block form: a 0/1 data column, so treatment dummies can be written by hand. The same
// model as the formula's treatment contrasts (reference B) gives the same fit.
const data = readFileSync(new URL('./formula/fixtures/derived_terms.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y: real  x: real  z: real  w: positive  trt: factor  g: factor }';

describe('a data column compared with a value', () => {
  it('writes treatment dummies in block form: the formula\'s relevel(trt, "B") fit, estimate for estimate', async () => {
    const block = compile(`${head}
parameters { b0 ~ Normal(0, 10)  bA ~ Normal(0, 10)  bC ~ Normal(0, 10)  s ~ HalfNormal(2)  sg ~ HalfNormal(1)  u[g] ~ Normal(0, sg) }
model { y ~ Normal(b0 + bA * (trt == "A") + bC * (trt == "C") + u[g], s) }`, { data, ml: true });
    const formula = compile(`${head}\nmodel { y ~ gaussian(1 + relevel(trt, "B") + (1 | g)) }`, { data, ml: true });
    const [a, b] = await Promise.all([block, formula].map((m) => inferFit(m, { engine: 'laplace' })));
    const pairs = [['b0', '(Intercept)'], ['bA', 'relevel(trt, "B")A'], ['bC', 'relevel(trt, "B")C'], ['s', 'sigma'], ['sg', 'sd[g, (Intercept)]']];
    for (const [x, y] of pairs) {
      const [ra, rb] = [a.summary.find((r) => r.name === x)!, b.summary.find((r) => r.name === y)!];
      expect(Math.abs(ra.mean - rb.mean) / rb.sd, x).toBeLessThan(1e-4);
      expect(ra.sd / rb.sd, x).toBeCloseTo(1, 3);
    }
  });
  it('compares a numeric column with a number', () => {
    const m = compile(`${head}\nparameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(2) }\nmodel { y ~ Normal(a + b * (w == 1), s) }`, { data });
    expect(m.params.map((p) => p.name)).toEqual(['a', 'b', 's']);
  });
  it('says what it compares, with located messages', () => {
    const message = (body: string): string => compileMessage(() => compile(`${head}\nparameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(2) }\n${body}`, { data }));
    expect(message('model { y ~ Normal(a + b * (trt == "a"), s) }')).toBe("E201: 'a' is not a level of 'trt' (did you mean 'A'?)");
    expect(message('model { y ~ Normal(a + b * (trt == 1), s) }')).toBe('E205: \'trt\' is a factor: compare it with a level, a string (e.g. trt == "A")');
    expect(message('model { y ~ Normal(a + b * (a == 1), s) }')).toBe('E205: \'==\' compares a data column with a value (e.g. (period == "2") for a factor\'s level, (dose == 0) for a number)');
  });
  it('an indicator in a generated quantity: per level of its factor', () => {
    const m = compile(`${head}\nparameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(2) }\nmodel { y ~ Normal(a + b * (trt == "A"), s) }\ngenerated { q[trt] = a + b * (trt == "A") }`, { data });
    expect(m.ir.generated.map((g) => g.name)).toEqual(['q[A]', 'q[B]', 'q[C]']);
  });
});
