import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { compileContrasts, contrastFileName, evalContrast, quoteBareLevels, tableNames } from '../../src/compiler/contrast.js';
import { compileText } from '../helpers.js';

const csv = 'y,g\n1,T : R : diseased\n0,T : R : healthy\n2,B cells : R\n3,M/DC : R\n1,x\n';
const source = `data { y: count  g: factor }
parameters { s ~ HalfNormal(1)  beta[g] ~ Normal(0, s) }
model { y ~ Poisson(log_rate = beta[g]) }
generated { d = beta["T : R : diseased"] - beta["T : R : healthy"] }`;
const model = compileText(source, csv);
const ir = model.rowwiseIr;
// levels in R's order: B cells : R, M/DC : R, T : R : diseased, T : R : healthy, x
const values = Float64Array.of(0.5, 1, 2, 3, 4, 5);

const value = (text: string): number => evalContrast(compileContrasts([text], ir)[0], ir, values);

function errors(texts: string[]): string {
  try {
    compileContrasts(texts, ir);
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    const sources = new Map(texts.map((t, i) => [contrastFileName(i, texts.length), t]));
    return e.diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n');
  }
  throw new Error('no error');
}

describe('contrasts: generated-block expressions, with bare level labels', () => {
  it('quotes bare labels in place, keeping every column', () => {
    const q = quoteBareLevels('beta[T : R : diseased] - beta[ B cells ] + beta[g] + beta["x"]');
    expect(q.text).toBe('beta["xxxxxxxxxxxxxx"] - beta[ "xxxxx" ] + beta[g] + beta["x"]');
    expect([...q.labels]).toEqual([[6, 'T : R : diseased'], [32, 'B cells']]);
  });

  it('evaluates bare, quoted and mixed forms the same, and reads generated quantities and scalars', () => {
    expect(value('beta[T : R : diseased] - beta[T : R : healthy]')).toBe(3 - 4);
    expect(value('beta["T : R : diseased"] - beta["T : R : healthy"]')).toBe(-1);
    expect(value('beta[B cells : R] * 2 + beta[M/DC : R] + beta[x]')).toBe(1 * 2 + 2 + 5);
    expect(value('d / s + exp(0)')).toBe(-1 / 0.5 + 1);
  });

  it('names a contrast by its text', () => {
    expect(compileContrasts([' beta[x] - beta[T : R : healthy] '], ir)[0].name).toBe('beta[x] - beta[T : R : healthy]');
  });

  it('a misspelt level is located in its pseudo-file, with a did-you-mean', () => {
    expect(errors(['beta[T : R : diseasd] - beta[T : R : healthy]'])).toBe(
      "error[E206]: 'T : R : diseasd' is not a level of 'g'\n  --> --contrast:1:6\n  |\n1 | beta[T : R : diseasd] - beta[T : R : healthy]\n  |      ^^^^^^^^^^^^^^^\nhint: did you mean \"T : R : diseased\"?");
  });

  it('reports every problem of several contrasts, each in its own pseudo-file', () => {
    const text = errors(['beta[x] - bta[x]', 'beta[g]', 'beta[x] + y', 'beta[x'] );
    expect(text).toMatch(/error\[E201\]: unknown parameter 'bta'\n {2}--> --contrast#1:1:11[\s\S]*hint: did you mean 'beta'\?/);
    expect(text).toMatch(/error\[E205\]: 'beta\[g\]' has one value per data row[^\n]*\n {2}--> --contrast#2:1:1/);
    expect(text).toMatch(/error\[E205\]: data column 'y' cannot be used in a contrast\n {2}--> --contrast#3:1:11/);
    expect(text).toMatch(/--> --contrast#4:1:/);
  });
});

describe('contrasts written with the names the summary table prints', () => {
  const formula = compileText(
    'data { y: real\n g: factor\n x: real }\nmodel { y ~ gaussian(1 + x + g + (1 | g)) }',
    'y,g,x\n1.2,a,0.1\n0.3,b,0.5\n2.2,c,-0.3\n1.9,a,1.1\n0.8,b,0.7\n2.5,c,0.2\n1.1,a,-0.5\n0.2,b,0.9\n',
  );

  it('rewrites table names to the parameters they show, longest first, whole names only, never in strings or brackets', () => {
    const ir = formula.rowwiseIr;
    const shown = ir.params.flatMap((p) => p.elementNames ?? []);
    expect(shown).toEqual(expect.arrayContaining(['(Intercept)', 'x', 'gb', 'gc', 'sd[g, (Intercept)]']));
    expect(tableNames('gb - gc', ir)).toBe('b_g["b"] - b_g["c"]');
    expect(tableNames('(Intercept) + 2 * x', ir)).toBe('b_Intercept + 2 * b_x');
    expect(tableNames('x / sd[g, (Intercept)]', ir)).toBe('b_x / sd_g');
    expect(tableNames('exp(gb) + xgb + b_g["gb"]', ir)).toBe('exp(b_g["b"]) + xgb + b_g["gb"]');
  });

  it('names the reference level of a treatment-coded factor for what it is', () => {
    let message = '';
    try {
      compileContrasts(['gb - ga'], formula.rowwiseIr);
    } catch (e) {
      message = (e as GlimmerError).diagnostics.map((d) => renderDiagnostic(d, new Map([['--contrast', 'gb - ga']]))).join('\n');
    }
    expect(message).toContain("error[E201]: 'ga' is the reference level of 'g': it has no parameter (its effect is 0 in treatment contrasts)");
    expect(message).toContain("hint: the table's 'gb' is already 'g' b against a: write it alone, or the difference of two non-reference levels");
  });

  it('evaluates a table-name contrast as its canonical form', () => {
    const [a, b] = compileContrasts(['gb - gc + 2 * x', 'b_g["b"] - b_g["c"] + 2 * b_x'], formula.rowwiseIr);
    const values = Float64Array.from({ length: formula.rowwiseIr.dim }, (_, i) => 0.1 * (i + 1) - 0.35);
    expect(evalContrast(a, formula.rowwiseIr, values)).toBe(evalContrast(b, formula.rowwiseIr, values));
    expect(a.name).toBe('gb - gc + 2 * x');
  });
});
