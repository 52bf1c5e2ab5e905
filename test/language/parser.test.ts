import { describe, expect, it } from 'vitest';
import type { Expr, Program } from '../../src/language/ast.js';
import { parse } from '../../src/language/parse.js';

const FILE = 'zeb2.glmm';

const ZEB2 = `// ZEB2 model
data "zeb2.csv.gz" {
  ZEB2: count
  total_count: positive
  cell_group: factor
}
parameters {
  sigma_patient ~ HalfNormal(1)
  sigma: positive ~ HalfNormal(1)
  p: bounded(0, 1) ~ Beta(2, 2)
  beta[cell_group] ~ Normal(0, 10)
  u[patient_assignment] ~ Normal(0, sigma_patient)
  x: lower(0)
}
model {
  eta = beta[cell_group] + u[patient_assignment]
  ZEB2 ~ Poisson(log_rate = eta + log(total_count))
}
generated {
  lfc_T_R = beta["T : R : diseased"] - beta["T : R : healthy"]
}
`;

function parseOk(source: string): Program {
  const { program, diagnostics } = parse(source, FILE);
  expect(diagnostics).toEqual([]);
  if (program === undefined) throw new Error('no program');
  return program;
}

/** The tree without spans, to compare structure; spans are checked separately where it matters. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'span').map(([k, v]) => [k, shape(v)]));
}

/** Shorthands for expected shapes. */
const num = (value: number) => ({ kind: 'num', value });
const v = (name: string) => ({ kind: 'var', name });
const id = (name: string) => ({ name });
const bin = (op: string, left: unknown, right: unknown) => ({ kind: 'binary', op, left, right });
const neg = (operand: unknown) => ({ kind: 'neg', operand });
const index = (target: string, i: unknown) => ({ kind: 'index', target: id(target), index: i });
const call = (fn: string, ...args: unknown[]) => ({ kind: 'call', fn: id(fn), args });
const dist = (name: string, ...args: unknown[]) => ({ name: id(name), args });
const arg = (value: unknown, name?: string) => (name === undefined ? { value } : { name: id(name), value });

/** The expression of a one-line model `model { e = <expr> }`. */
function expr(text: string): Expr {
  const stmt = parseOk(`model { e = ${text} }`).model[0];
  if (stmt.kind !== 'assign') throw new Error('not an assignment');
  return stmt.value;
}

describe('parse: the ZEB2 model', () => {
  const program = parseOk(ZEB2);

  it('reads the data block', () => {
    expect(shape(program.data)).toEqual({
      path: { value: 'zeb2.csv.gz' },
      columns: [
        { name: id('ZEB2'), type: id('count') },
        { name: id('total_count'), type: id('positive') },
        { name: id('cell_group'), type: id('factor') },
      ],
    });
    expect(program.data?.path?.span).toEqual({ file: FILE, line: 2, col: 6, length: 13 });
    expect(program.data?.columns[0].span).toEqual({ file: FILE, line: 3, col: 3, length: 11 });
    expect(program.data?.span).toMatchObject({ line: 2, col: 1 });
  });

  it('reads every kind of parameter declaration', () => {
    expect(shape(program.parameters)).toEqual([
      { name: id('sigma_patient'), prior: dist('HalfNormal', arg(num(1))) },
      { name: id('sigma'), constraint: { name: id('positive'), args: [] }, prior: dist('HalfNormal', arg(num(1))) },
      { name: id('p'), constraint: { name: id('bounded'), args: [num(0), num(1)] }, prior: dist('Beta', arg(num(2)), arg(num(2))) },
      { name: id('beta'), index: id('cell_group'), prior: dist('Normal', arg(num(0)), arg(num(10))) },
      { name: id('u'), index: id('patient_assignment'), prior: dist('Normal', arg(num(0)), arg(v('sigma_patient'))) },
      { name: id('x'), constraint: { name: id('lower'), args: [num(0)] } },
    ]);
    const [, sigma, p, beta, , x] = program.parameters;
    expect(sigma.span).toEqual({ file: FILE, line: 9, col: 3, length: 31 });
    expect(p.constraint?.span).toEqual({ file: FILE, line: 10, col: 6, length: 13 });
    expect(beta.index?.span).toEqual({ file: FILE, line: 11, col: 8, length: 10 });
    expect(x.span).toEqual({ file: FILE, line: 13, col: 3, length: 11 });
  });

  it('reads definitions and likelihoods in the model block', () => {
    expect(shape(program.model)).toEqual([
      { kind: 'assign', name: id('eta'), value: bin('+', index('beta', v('cell_group')), index('u', v('patient_assignment'))) },
      {
        kind: 'sample',
        target: id('ZEB2'),
        dist: dist('Poisson', arg(bin('+', v('eta'), call('log', v('total_count'))), 'log_rate')),
      },
    ]);
    const [eta, zeb2] = program.model;
    expect(eta.span).toEqual({ file: FILE, line: 16, col: 3, length: 46 });
    if (eta.kind !== 'assign' || zeb2.kind !== 'sample') throw new Error('wrong statement kinds');
    expect(eta.value.span).toEqual({ file: FILE, line: 16, col: 9, length: 40 });
    expect(zeb2.dist.span).toEqual({ file: FILE, line: 17, col: 10, length: 42 });
    expect(zeb2.dist.args[0].span).toEqual({ file: FILE, line: 17, col: 18, length: 33 });
    expect(zeb2.dist.args[0].name?.span).toEqual({ file: FILE, line: 17, col: 18, length: 8 });
  });

  it('reads derived quantities, indexed by level names', () => {
    expect(shape(program.generated)).toEqual([
      {
        kind: 'assign',
        name: id('lfc_T_R'),
        value: bin('-', index('beta', { kind: 'str', value: 'T : R : diseased' }), index('beta', { kind: 'str', value: 'T : R : healthy' })),
      },
    ]);
  });

  it('spans the whole file', () => {
    expect(program.file).toBe(FILE);
    expect(program.span).toEqual({ file: FILE, line: 1, col: 1, length: ZEB2.length });
  });
});

describe('parse: lexical details', () => {
  it('skips all three kinds of comment', () => {
    const program = parseOk(`# R style
      model { // C++ style
        y ~ Normal(0, /* inline */ 1) # trailing
        /* a block comment
           over lines */
        z = 2
      }`);
    expect(shape(program.model)).toEqual([
      { kind: 'sample', target: id('y'), dist: dist('Normal', arg(num(0)), arg(num(1))) },
      { kind: 'assign', name: id('z'), value: num(2) },
    ]);
  });

  it('reads backtick-quoted names, including reserved words', () => {
    const program = parseOk('data { `cell group`: factor; `model`: real } parameters { b[`cell group`] ~ Normal(0, 1) }');
    expect(program.data?.columns.map((c) => c.name.name)).toEqual(['cell group', 'model']);
    expect(program.data?.columns[0].name.span).toEqual({ file: FILE, line: 1, col: 8, length: 12 });
    expect(program.parameters[0].index?.name).toBe('cell group');
    expect(expr('`cell group` + 1')).toMatchObject({ left: { kind: 'var', name: 'cell group' } });
  });

  it('reads every form of number', () => {
    expect(shape(parseOk('model { a = f(1, 1.5, .5, 1e-3, 2.5E+4, 3.) }').model[0])).toMatchObject({
      value: call('f', num(1), num(1.5), num(0.5), num(0.001), num(25000), num(3)),
    });
  });

  it('unescapes strings', () => {
    expect(expr('b["say \\"hi\\" \\\\ C:\\\\x"]')).toMatchObject({ index: { kind: 'str', value: 'say "hi" \\ C:\\x' } });
  });

  it('tells keywords from names that start with them', () => {
    const program = parseOk('model { datum = models + generated_x + parameters2 }');
    expect(shape(program.model[0])).toMatchObject({ name: id('datum'), value: bin('+', bin('+', v('models'), v('generated_x')), v('parameters2')) });
  });

  it('accepts dots in names, optional semicolons and blocks in any order', () => {
    const program = parseOk('generated { a.b = 1; } model { y ~ Normal(0, 1); } data { y: real; } parameters { s ~ HalfNormal(1); }');
    expect(program.generated[0].name.name).toBe('a.b');
    expect(program.model).toHaveLength(1);
    expect(program.data?.path).toBeUndefined();
    expect(program.parameters).toHaveLength(1);
  });

  it('accepts an empty file and empty blocks', () => {
    expect(shape(parseOk(''))).toEqual({ file: FILE, parameters: [], model: [], generated: [] });
    expect(shape(parseOk('data {} parameters {} model {} generated {}'))).toEqual({
      file: FILE, data: { columns: [] }, parameters: [], model: [], generated: [],
    });
  });
});

describe('parse: expressions', () => {
  it('makes + and - left-associative', () => {
    expect(shape(expr('a - b - c'))).toEqual(bin('-', bin('-', v('a'), v('b')), v('c')));
    expect(shape(expr('a - b + c'))).toEqual(bin('+', bin('-', v('a'), v('b')), v('c')));
  });

  it('makes * and / left-associative and tighter than + and -', () => {
    expect(shape(expr('a / b * c'))).toEqual(bin('*', bin('/', v('a'), v('b')), v('c')));
    expect(shape(expr('a + b * c'))).toEqual(bin('+', v('a'), bin('*', v('b'), v('c'))));
  });

  it('binds unary minus tighter than *', () => {
    expect(shape(expr('-x * y'))).toEqual(bin('*', neg(v('x')), v('y')));
    expect(shape(expr('- -1'))).toEqual(neg(neg(num(1))));
    expect(shape(expr('a - -b'))).toEqual(bin('-', v('a'), neg(v('b'))));
  });

  it('groups with parentheses', () => {
    expect(shape(expr('(a + b) * c'))).toEqual(bin('*', bin('+', v('a'), v('b')), v('c')));
    expect(shape(expr('a - (b - c)'))).toEqual(bin('-', v('a'), bin('-', v('b'), v('c'))));
  });

  it('reads calls, nested calls and indexes', () => {
    expect(shape(expr('exp(log(a) + f())'))).toEqual(call('exp', bin('+', call('log', v('a')), call('f'))));
    expect(shape(expr('beta[g] * x[1 + i]'))).toEqual(bin('*', index('beta', v('g')), index('x', bin('+', num(1), v('i')))));
  });

  it('reads named and positional distribution arguments, with nested calls', () => {
    const stmt = parseOk('model { y ~ NegBinomial(exp(eta), phi = 1 / inv(2)) }').model[0];
    expect(shape(stmt)).toEqual({
      kind: 'sample',
      target: id('y'),
      dist: dist('NegBinomial', arg(call('exp', v('eta'))), arg(bin('/', num(1), call('inv', num(2))), 'phi')),
    });
    expect(shape(parseOk('model { y ~ Flat() }').model[0])).toMatchObject({ dist: dist('Flat') });
  });

  it('spans whole expressions, parentheses included around operands', () => {
    const e = expr('(a + b) * -c');
    // `model { e = ` is 12 characters, so the expression starts at column 13.
    expect(e.span).toEqual({ file: FILE, line: 1, col: 13, length: 12 });
    if (e.kind !== 'binary') throw new Error('not binary');
    expect(e.left.span).toEqual({ file: FILE, line: 1, col: 14, length: 5 });
    expect(e.right.span).toEqual({ file: FILE, line: 1, col: 23, length: 2 });
    const chain = expr('a - b - c');
    if (chain.kind !== 'binary') throw new Error('not binary');
    expect(chain.left.span).toEqual({ file: FILE, line: 1, col: 13, length: 5 });
    expect(expr('beta["x"]').span).toEqual({ file: FILE, line: 1, col: 13, length: 9 });
  });

  it('spans a statement over several lines from its first character', () => {
    const program = parseOk('model {\n  eta = a +\n    b\n}');
    expect(program.model[0].span).toEqual({ file: FILE, line: 2, col: 3, length: 15 });
  });
});

describe('parse: the parser is reused', () => {
  it('gives the same result twice and keeps no state from a failed parse', () => {
    const first = parse(ZEB2, FILE);
    expect(parse('model { y ~ }', FILE).diagnostics).toHaveLength(1);
    expect(parse(ZEB2, FILE)).toEqual(first);
  });
});

describe('parse: declarations on one line', () => {
  it('reads two constrained declarations without priors on one line, as on two', () => {
    const one = parse('parameters { a: real  b: positive }\n', 't.glmm');
    expect(one.diagnostics).toEqual([]);
    expect(one.program!.parameters.map((p) => p.name.name)).toEqual(['a', 'b']);
    const indexed = parse('parameters { a: real  u[g]: real ~ Normal(0, 1) }\n', 't.glmm');
    expect(indexed.diagnostics).toEqual([]);
    expect(indexed.program!.parameters.map((p) => p.name.name)).toEqual(['a', 'u']);
  });

  it('still reads a declaration running on without a constraint as a missing colon', () => {
    expect(parse('parameters { sigma positive ~ HalfNormal(1) }\n', 't.glmm').diagnostics.map((d) => d.code)).toEqual(['E110']);
    expect(parse('parameters { a  b }\n', 't.glmm').diagnostics.map((d) => d.code)).toEqual(['E110']);
  });
});
