import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../cli/run_cli.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { describeModel } from '../../src/api/describe.js';
import { compileMessage, expectLaplaceAgreesWithNuts } from '../helpers.js';

// `b[trt, ref = "B"]`: a factor's design row in block form, treatment-coded with the reference level
// chosen (issue 15). The same model as the formula's relevel(trt, "B") gives the same fit.
const data = readFileSync(new URL('./formula/fixtures/derived_terms.csv', import.meta.url), 'utf8');
const head = 'data "d.csv" { y: real  x: real  z: real  w: positive  trt: factor  g: factor }';
const model = (decl: string, use = 'b[trt]'): string => `${head}
parameters { b0 ~ Normal(0, 10)  ${decl} ~ Normal(0, 10)  s ~ HalfNormal(2)  sg ~ HalfNormal(1)  u[g] ~ Normal(0, sg) }
model { y ~ Normal(b0 + ${use} + u[g], s) }`;

describe('a factor treatment-coded in block form: b[trt, ref = "B"]', () => {
  it('one coefficient per level but the reference: the formula\'s relevel(trt, "B") fit, estimate for estimate', async () => {
    const block = compile(model('b[trt, ref = "B"]'), { data, ml: true });
    expect(block.params.find((p) => p.name === 'b')).toMatchObject({ size: 2 });
    const formula = compile(`${head}\nmodel { y ~ gaussian(1 + relevel(trt, "B") + (1 | g)) }`, { data, ml: true });
    const [a, b] = await Promise.all([block, formula].map((m) => inferFit(m, { engine: 'laplace' })));
    expect(a.summary.map((r) => r.name).filter((n) => n.startsWith('b['))).toEqual(['b[A]', 'b[C]']);
    const pairs = [['b0', '(Intercept)'], ['b[A]', 'relevel(trt, "B")A'], ['b[C]', 'relevel(trt, "B")C'], ['s', 'sigma'], ['sg', 'sd[g, (Intercept)]']];
    for (const [x, y] of pairs) {
      const [ra, rb] = [a.summary.find((r) => r.name === x)!, b.summary.find((r) => r.name === y)!];
      expect(Math.abs(ra.mean - rb.mean) / rb.sd, x).toBeLessThan(1e-4);
      expect(ra.sd / rb.sd, x).toBeCloseTo(1, 3);
    }
  });

  it('the reference level reads 0; a generated quantity can name it', async () => {
    const m = compile(`${model('b[trt, ref = "B"]')}\ngenerated { AvsB = b["A"] - b["B"]  AvsC = b["A"] - b["C"] }`, { data, ml: true });
    const fit = await inferFit(m, { engine: 'laplace' });
    const row = (n: string) => fit.summary.find((r) => r.name === n)!;
    expect(row('AvsB').mean).toBeCloseTo(row('b[A]').mean, 12);
    expect(row('AvsC').mean).toBeCloseTo(row('b[A]').mean - row('b[C]').mean, 12);
  });

  it('the posterior too: every engine reads the coding (NUTS beside nested Laplace)', async () => {
    await expectLaplaceAgreesWithNuts(compile(model('b[trt, ref = "A"]'), { data }), ['b0', 'b[B]', 'b[C]']);
  }, 60_000);

  it('describes itself by the user\'s factor and its reference (ppl check, ppl contrasts --factor trt)', () => {
    const d = describeModel(compile(model('b[trt, ref = "B"]'), { data }));
    expect(d.parameters.find((p) => p.name === 'b')).toMatchObject({ factor: 'trt', reference: 'B', size: 2, levels: ['A', 'C'] });
  });

  it('ppl contrasts --factor trt compares every pair of levels, the reference (0) included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimmer-ref-'));
    try {
      writeFileSync(join(dir, 'd.csv'), data);
      writeFileSync(join(dir, 'm.glmm'), model('b[trt, ref = "B"]'));
      const r = await runCli(['contrasts', join(dir, 'm.glmm'), '--factor', 'trt']);
      expect(r.code).toBe(0);
      expect(r.out.split('\n').filter((l) => l.startsWith('b[')).map((l) => l.split(/\s{2,}/)[0])).toEqual(['b[B] - b[A]', 'b[C] - b[A]', 'b[C] - b[B]']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('located errors: an unknown option, a level the factor lacks', () => {
    const message = (decl: string): string => compileMessage(() => compile(model(decl), { data }));
    expect(message('b[trt, reference = "B"]')).toBe('E116: unknown index option \'reference\' (a reference level is written b[trt, ref = "B"])');
    expect(message('b[trt, ref = "b"]')).toBe('E206: \'b\' is not a level of \'trt\' (did you mean "B"?)');
    expect(message('b[trt, ref = "Z"]')).toBe('E206: \'Z\' is not a level of \'trt\' (levels: "A", "B", "C")');
    expect(compileMessage(() => compile(model('b[trt, ref = "B"]', 'b[g]'), { data }))).toBe("E205: 'b' is declared over 'trt', not 'g' (write b[trt])");
  });
});
