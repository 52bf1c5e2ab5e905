import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { parse } from '../../src/language/parse.js';

/**
 * Every syntax error as the user sees it: code, message, location, the source line, the caret and the
 * hint. Sources and expected outputs start with a newline for readability; it is dropped before use.
 */
const FILE = 'zeb2.glmm';

interface Case {
  readonly name: string;
  readonly source: string;
  readonly expected: string;
}

const cases: Case[] = [
  {
    name: 'an unknown character',
    source: `
model {
  x = a @ b
  y ~ Normal(0, 1)
}
`,
    expected: `
error[E101]: unexpected character '@'
  --> zeb2.glmm:2:9
  |
2 |   x = a @ b
  |         ^`,
  },
  {
    name: 'a run of unknown characters is one error',
    source: `
model {
  x = a @@ b
}
`,
    expected: `
error[E101]: unexpected characters '@@'
  --> zeb2.glmm:2:9
  |
2 |   x = a @@ b
  |         ^^`,
  },
  {
    name: 'a non-ASCII name',
    source: `
parameters {
  σ ~ HalfNormal(1)
}
`,
    expected: `
error[E101]: unexpected character 'σ'
  --> zeb2.glmm:2:3
  |
2 |   σ ~ HalfNormal(1)
  |   ^
hint: names use ASCII letters, digits, '_' and '.'; write other names in backticks, e.g. \`σ\``,
  },
  {
    name: 'an unterminated string',
    source: `
generated {
  d = beta["T : R] - 1
}
`,
    expected: `
error[E102]: unterminated string
  --> zeb2.glmm:2:12
  |
2 |   d = beta["T : R] - 1
  |            ^^^^^^^^^^^
hint: close it with '"' before the end of the line`,
  },
  {
    name: 'an unterminated comment',
    source: `
model {
  y ~ Normal(0, 1) /* to do
}
`,
    expected: `
error[E103]: unterminated comment
  --> zeb2.glmm:2:20
  |
2 |   y ~ Normal(0, 1) /* to do
  |                    ^^
hint: close it with '*/'`,
  },
  {
    name: 'an unterminated quoted name',
    source: `
data {
  \`cell group: factor
}
`,
    expected: `
error[E104]: unterminated quoted name
  --> zeb2.glmm:2:3
  |
2 |   \`cell group: factor
  |   ^^^^^^^^^^^^^^^^^^^
hint: close it with '\`' before the end of the line`,
  },
  {
    name: 'a missing closing brace',
    source: `
model {
  ZEB2 ~ Poisson(eta)

generated {
  x = 1
}
`,
    expected: `
error[E111]: missing '}' to close the 'model' block opened at 1:1
  --> zeb2.glmm:2:22
  |
2 |   ZEB2 ~ Poisson(eta)
  |                      ^
hint: add '}' after the block's last statement`,
  },
  {
    name: 'a missing closing brace at the end of the file',
    source: `
parameters {
  sigma ~ HalfNormal(1)
`,
    expected: `
error[E111]: missing '}' to close the 'parameters' block opened at 1:1
  --> zeb2.glmm:2:24
  |
2 |   sigma ~ HalfNormal(1)
  |                        ^
hint: add '}' after the block's last statement`,
  },
  {
    name: "a missing ')' at the end of a line",
    source: `
parameters {
  sigma ~ HalfNormal(1
  tau ~ Normal(0, 1)
}
`,
    expected: `
error[E111]: missing ')' to close the '(' opened at 2:21
  --> zeb2.glmm:2:23
  |
2 |   sigma ~ HalfNormal(1
  |                       ^`,
  },
  {
    name: "a missing ')' in a nested call",
    source: `
model {
  ZEB2 ~ Poisson(log_rate = eta + log(total_count)
}
`,
    expected: `
error[E111]: missing ')' to close the '(' opened at 2:17
  --> zeb2.glmm:2:51
  |
2 |   ZEB2 ~ Poisson(log_rate = eta + log(total_count)
  |                                                   ^`,
  },
  {
    name: "a missing '(' after a distribution",
    source: `
parameters {
  sigma ~ HalfNormal 1
}
`,
    expected: `
error[E115]: expected '(' after the distribution 'HalfNormal', found '1'
  --> zeb2.glmm:2:22
  |
2 |   sigma ~ HalfNormal 1
  |                      ^
hint: write its arguments in parentheses, e.g. 'HalfNormal(...)'`,
  },
  {
    name: "a trailing '+'",
    source: `
model {
  eta = a +
}
`,
    expected: `
error[E114]: expected an expression after '+'
  --> zeb2.glmm:2:12
  |
2 |   eta = a +
  |            ^`,
  },
  {
    name: "a trailing '+' before the next statement",
    source: `
model {
  eta = a +
  ZEB2 ~ Poisson(eta)
}
`,
    expected: `
error[E114]: expected an expression after '+'
  --> zeb2.glmm:2:12
  |
2 |   eta = a +
  |            ^`,
  },
  {
    name: "'~' with nothing after it",
    source: `
model {
  ZEB2 ~
}
`,
    expected: `
error[E115]: expected a distribution after '~'
  --> zeb2.glmm:2:9
  |
2 |   ZEB2 ~
  |         ^
hint: e.g. 'Normal(0, 1)'`,
  },
  {
    name: 'a misspelt block keyword',
    source: `
modle {
  ZEB2 ~ Poisson(eta)
}
`,
    expected: `
error[E112]: expected a block ('data', 'parameters', 'model' or 'generated'), found 'modle'
  --> zeb2.glmm:1:1
  |
1 | modle {
  | ^^^^^
hint: did you mean 'model'?`,
  },
  {
    name: 'statements outside any block',
    source: `
ZEB2 ~ Poisson(eta)
`,
    expected: `
error[E112]: expected a block ('data', 'parameters', 'model' or 'generated'), found 'ZEB2'
  --> zeb2.glmm:1:1
  |
1 | ZEB2 ~ Poisson(eta)
  | ^^^^
hint: statements go inside a block, e.g. 'model { ... }'`,
  },
  {
    name: 'a duplicate block',
    source: `
model {
  eta = 1
}
model {
  ZEB2 ~ Poisson(eta)
}
`,
    expected: `
error[E113]: duplicate 'model' block (the first is at 1:1)
  --> zeb2.glmm:4:1
  |
4 | model {
  | ^^^^^
hint: merge the two blocks into one`,
  },
  {
    name: "R's '<-'",
    source: `
model {
  eta <- a + b
}
`,
    expected: `
error[E110]: expected '=' or '~' after 'eta', found '<-'
  --> zeb2.glmm:2:7
  |
2 |   eta <- a + b
  |       ^^
hint: Glimmer uses '=' for definitions`,
  },
  {
    name: "'==' for a definition",
    source: `
generated {
  d == a - b
}
`,
    expected: `
error[E110]: expected '=' after 'd', found '=='
  --> zeb2.glmm:2:5
  |
2 |   d == a - b
  |     ^^
hint: Glimmer uses a single '=' for definitions; '==' only compares a data column with a value, in parentheses`,
  },
  {
    name: "Stan's 'target +='",
    source: `
model {
  target += poisson_log_lpmf(ZEB2 | eta)
}
`,
    expected: `
error[E110]: expected '=' or '~' after 'target', found '+='
  --> zeb2.glmm:2:10
  |
2 |   target += poisson_log_lpmf(ZEB2 | eta)
  |          ^^
hint: there is no '+='; a likelihood is written 'column ~ Distribution(...)'`,
  },
  {
    name: "Python's power operator",
    source: `
model {
  eta = a ** 2
}
`,
    expected: `
error[E119]: '**' is not a Glimmer operator
  --> zeb2.glmm:2:11
  |
2 |   eta = a ** 2
  |           ^^
hint: the power operator is '^' (x^2)`,
  },
  {
    name: "'=' in the parameters block",
    source: `
parameters {
  mu = 0
}
`,
    expected: `
error[E117]: '=' in the parameters block
  --> zeb2.glmm:2:6
  |
2 |   mu = 0
  |      ^
hint: parameters are declared with '~' priors; put definitions in the model block`,
  },
  {
    name: "'~' in the generated block",
    source: `
generated {
  y_rep ~ Poisson(eta)
}
`,
    expected: `
error[E117]: '~' in the generated block
  --> zeb2.glmm:2:9
  |
2 |   y_rep ~ Poisson(eta)
  |         ^
hint: generated quantities are definitions 'name = expression'; put likelihoods in the model block`,
  },
  {
    name: "a missing ':' in the data block",
    source: `
data {
  ZEB2 count
  total_count: positive
}
`,
    expected: `
error[E110]: expected ':' after 'ZEB2', found 'count'
  --> zeb2.glmm:2:8
  |
2 |   ZEB2 count
  |        ^^^^^
hint: declare a column as 'name: type', e.g. 'ZEB2: count'`,
  },
  {
    name: "a missing ':' in the parameters block",
    source: `
parameters {
  sigma positive ~ HalfNormal(1)
}
`,
    expected: `
error[E110]: expected '[', ':' or '~' after 'sigma', found 'positive'
  --> zeb2.glmm:2:9
  |
2 |   sigma positive ~ HalfNormal(1)
  |         ^^^^^^^^
hint: declare a parameter as 'name ~ Prior(...)', e.g. 'sigma: positive ~ HalfNormal(1)'`,
  },
  {
    name: "a missing constraint after ':'",
    source: `
parameters {
  sigma: ~ HalfNormal(1)
}
`,
    expected: `
error[E110]: expected a constraint after ':', found '~'
  --> zeb2.glmm:2:10
  |
2 |   sigma: ~ HalfNormal(1)
  |          ^
hint: e.g. 'positive', 'lower(0)' or 'bounded(0, 1)'`,
  },
  {
    name: 'a constraint in the model block',
    source: `
model {
  sigma: positive ~ HalfNormal(1)
}
`,
    expected: `
error[E110]: expected '=' or '~' after 'sigma', found ':'
  --> zeb2.glmm:2:8
  |
2 |   sigma: positive ~ HalfNormal(1)
  |        ^
hint: constraints belong in the parameters block, e.g. 'sigma: positive ~ HalfNormal(1)'`,
  },
  {
    name: 'a number at the start of a statement',
    source: `
model {
  1 ~ Normal(0, 1)
  y ~ Normal(0, 1)
}
`,
    expected: `
error[E119]: expected a statement in the 'model' block, found '1'
  --> zeb2.glmm:2:3
  |
2 |   1 ~ Normal(0, 1)
  |   ^
hint: write 'name = expression' for a definition or 'column ~ Distribution(...)' for a likelihood`,
  },
  {
    name: "a missing '=' or '~'",
    source: `
model {
  ZEB2 Poisson(eta)
}
`,
    expected: `
error[E110]: expected '=' or '~' after 'ZEB2', found 'Poisson'
  --> zeb2.glmm:2:8
  |
2 |   ZEB2 Poisson(eta)
  |        ^^^^^^^
hint: write 'name = expression' for a definition or 'column ~ Distribution(...)' for a likelihood`,
  },
  {
    name: 'two names run together',
    source: `
model {
  eta = a b
  y ~ Normal(eta, 1)
}
`,
    expected: `
error[E119]: unexpected 'b' after 'a'
  --> zeb2.glmm:2:11
  |
2 |   eta = a b
  |           ^
hint: is an operator missing before 'b'?`,
  },
  {
    name: 'an empty index in a declaration',
    source: `
parameters {
  beta[] ~ Normal(0, 10)
}
`,
    expected: `
error[E116]: empty index '[]'
  --> zeb2.glmm:2:7
  |
2 |   beta[] ~ Normal(0, 10)
  |       ^^
hint: a vector parameter is indexed by one factor column, e.g. 'beta[cell_group]'`,
  },
  {
    name: 'an empty index in an expression',
    source: `
model {
  eta = beta[]
}
`,
    expected: `
error[E116]: empty index '[]'
  --> zeb2.glmm:2:13
  |
2 |   eta = beta[]
  |             ^^
hint: index by a factor column or a level, e.g. 'beta[cell_group]' or 'beta["T : R : healthy"]'`,
  },
  {
    name: 'a declaration indexed by a number',
    source: `
parameters {
  beta[1] ~ Normal(0, 10)
}
`,
    expected: `
error[E116]: expected a factor column after '[', found '1'
  --> zeb2.glmm:2:8
  |
2 |   beta[1] ~ Normal(0, 10)
  |        ^
hint: a vector parameter is indexed by one factor column, e.g. 'beta[cell_group]'`,
  },
  {
    name: 'a declaration indexed by an expression',
    source: `
parameters {
  beta[g + 1] ~ Normal(0, 10)
}
`,
    expected: `
error[E116]: expected ']' after 'g', found '+'
  --> zeb2.glmm:2:10
  |
2 |   beta[g + 1] ~ Normal(0, 10)
  |          ^
hint: a vector parameter is indexed by one factor column, e.g. 'beta[cell_group]'`,
  },
  {
    name: "a missing ']'",
    source: `
model {
  eta = beta[cell_group
}
`,
    expected: `
error[E111]: missing ']' to close the '[' opened at 2:13
  --> zeb2.glmm:2:24
  |
2 |   eta = beta[cell_group
  |                        ^`,
  },
  {
    name: "a trailing ','",
    source: `
parameters {
  beta ~ Normal(0, 10,)
}
`,
    expected: `
error[E114]: expected an argument after ',', found ')'
  --> zeb2.glmm:2:23
  |
2 |   beta ~ Normal(0, 10,)
  |                       ^
hint: remove the trailing ','`,
  },
  {
    name: "a missing ','",
    source: `
parameters {
  beta ~ Normal(0 10)
}
`,
    expected: `
error[E119]: expected ',' or ')' after '0', found '10'
  --> zeb2.glmm:2:19
  |
2 |   beta ~ Normal(0 10)
  |                   ^^
hint: separate arguments with ','`,
  },
  {
    name: 'a missing argument after a name',
    source: `
model {
  ZEB2 ~ Poisson(log_rate = )
}
`,
    expected: `
error[E114]: expected an expression after '=', found ')'
  --> zeb2.glmm:2:29
  |
2 |   ZEB2 ~ Poisson(log_rate = )
  |                             ^`,
  },
  {
    name: 'an unquoted data path',
    source: `
data zeb2.csv {
  ZEB2: count
}
`,
    expected: `
error[E111]: expected a quoted path or '{' after 'data', found 'zeb2.csv'
  --> zeb2.glmm:1:6
  |
1 | data zeb2.csv {
  |      ^^^^^^^^
hint: quote the path: data "zeb2.csv" { ... }`,
  },
  {
    name: "a missing '{'",
    source: `
model
  ZEB2 ~ Poisson(eta)
}
`,
    expected: `
error[E111]: expected '{' after 'model'
  --> zeb2.glmm:1:6
  |
1 | model
  |      ^`,
  },
  {
    name: 'a reserved word as a name',
    source: `
data {
  model: factor
}
`,
    expected: `
error[E118]: 'model' is a reserved word
  --> zeb2.glmm:2:3
  |
2 |   model: factor
  |   ^^^^^
hint: write it in backticks to use it as a name: \`model\``,
  },
  {
    name: "an unmatched ')'",
    source: `
model {
  eta = a + b)
}
`,
    expected: `
error[E111]: unmatched ')'
  --> zeb2.glmm:2:14
  |
2 |   eta = a + b)
  |              ^
hint: remove it, or add the '(' it closes`,
  },
  {
    name: "an extra ';'",
    source: `
model {
  eta = a;;
}
`,
    expected: `
error[E119]: expected a statement in the 'model' block, found ';'
  --> zeb2.glmm:2:11
  |
2 |   eta = a;;
  |           ^
hint: remove the extra ';'`,
  },
  {
    name: 'a string where a statement should be',
    source: `
data {
  "cell group": factor
}
`,
    expected: `
error[E119]: expected a statement in the 'data' block, found "cell group"
  --> zeb2.glmm:2:3
  |
2 |   "cell group": factor
  |   ^^^^^^^^^^^^
hint: write names with spaces in backticks, e.g. \`cell group\``,
  },
  {
    name: 'a mismatched closing bracket',
    source: `
model {
  eta = log(beta[g)
}
`,
    expected: `
error[E111]: expected ']' to close the '[' opened at 2:17, found ')'
  --> zeb2.glmm:2:19
  |
2 |   eta = log(beta[g)
  |                   ^`,
  },
  {
    name: "a missing '~' after an indexed parameter",
    source: `
parameters {
  beta[cell_group] Normal(0, 10)
}
`,
    expected: `
error[E110]: expected ':' or '~' after ']', found 'Normal'
  --> zeb2.glmm:2:20
  |
2 |   beta[cell_group] Normal(0, 10)
  |                    ^^^^^^
hint: declare a parameter as 'name ~ Prior(...)', e.g. 'sigma: positive ~ HalfNormal(1)'`,
  },
  {
    name: "a ';' typed inside a statement",
    source: `
parameters {
  sigma ~ Half;Normal(1)
  tau ~ Normal(0, 1)
}
`,
    expected: `
error[E115]: expected '(' after the distribution 'Half', found ';'
  --> zeb2.glmm:2:15
  |
2 |   sigma ~ Half;Normal(1)
  |               ^
hint: write its arguments in parentheses, e.g. 'Half(...)'`,
  },
  {
    name: "a '}' typed inside a statement",
    source: `
parameters {
  sigma ~ Half}Normal(1)
  tau ~ Normal(0, 1)
}
`,
    expected: `
error[E115]: expected '(' after the distribution 'Half', found '}'
  --> zeb2.glmm:2:15
  |
2 |   sigma ~ Half}Normal(1)
  |               ^
hint: write its arguments in parentheses, e.g. 'Half(...)'`,
  },
  {
    name: "a stray '{' skips to its '}'",
    source: `
data {
  ZEB2: countparameters {
    sigma ~ HalfNormal(1)
  }
}
`,
    expected: `
error[E119]: expected a statement in the 'data' block, found '{'
  --> zeb2.glmm:2:25
  |
2 |   ZEB2: countparameters {
  |                         ^
hint: declare a column as 'name: type', e.g. 'ZEB2: count'`,
  },
  {
    name: 'a bad character in a block keyword is one error',
    source: `
mode@l {
  y ~ Normal(0, 1)
}
`,
    expected: `
error[E112]: expected a block ('data', 'parameters', 'model' or 'generated'), found 'mode'
  --> zeb2.glmm:1:1
  |
1 | mode@l {
  | ^^^^
hint: did you mean 'model'?`,
  },
  {
    name: 'two errors in one file, in order',
    source: `
parameters {
  sigma ~ HalfNormal(1
  tau ~ Normal(0, 1)
}
model {
  eta <- a
  ZEB2 ~ Poisson(eta)
}
`,
    expected: `
error[E111]: missing ')' to close the '(' opened at 2:21
  --> zeb2.glmm:2:23
  |
2 |   sigma ~ HalfNormal(1
  |                       ^

error[E110]: expected '=' or '~' after 'eta', found '<-'
  --> zeb2.glmm:6:7
  |
6 |   eta <- a
  |       ^^
hint: Glimmer uses '=' for definitions`,
  },
  {
    name: 'recovery: later valid statements are not flagged',
    source: `
model {
  eta = beta[cell_group] + * u
  mu = exp(eta)
  ZEB2 ~ Poisson(mu)
  y ~ Normal(0 1)
  z ~ Normal(0, 1)
}
`,
    expected: `
error[E114]: expected an expression after '+', found '*'
  --> zeb2.glmm:2:28
  |
2 |   eta = beta[cell_group] + * u
  |                            ^

error[E119]: expected ',' or ')' after '0', found '1'
  --> zeb2.glmm:5:16
  |
5 |   y ~ Normal(0 1)
  |                ^
hint: separate arguments with ','`,
  },
  {
    name: 'one error per statement',
    source: `
model {
  eta = a + @ + (b
}
`,
    expected: `
error[E101]: unexpected character '@'
  --> zeb2.glmm:2:13
  |
2 |   eta = a + @ + (b
  |             ^`,
  },
];

describe('syntax errors, as rendered', () => {
  it.each(cases)('$name', ({ source, expected }) => {
    const text = source.slice(1);
    const { program, diagnostics } = parse(text, FILE);
    expect(program).toBeUndefined();
    const rendered = diagnostics.map((d) => renderDiagnostic(d, new Map([[FILE, text]]))).join('\n\n');
    expect(rendered).toBe(expected.slice(1));
  });

  it('gives every diagnostic a code, a span in the file and a lowercase message', () => {
    for (const { source } of cases) {
      for (const d of parse(source.slice(1), FILE).diagnostics) {
        expect(d.code).toMatch(/^E1\d\d$/);
        expect(d.span?.file).toBe(FILE);
        expect(d.message).toMatch(/^[^A-Z]/);
      }
    }
  });
});

/**
 * E120: the limits that keep a crafted or corrupted file from overflowing the stack (the parser and
 * the compiler's passes recurse) or parsing for seconds. Found by the model fuzzer (test/fuzz/).
 */
describe('E120: files too deep or too large to compile safely', () => {
  /** The diagnostics for `text`, rendered as users see them. */
  const render = (text: string): string => {
    const { program, diagnostics } = parse(text, FILE);
    expect(program).toBeUndefined();
    return diagnostics.map((d) => renderDiagnostic(d, new Map([[FILE, text]]))).join('\n\n');
  };
  const framed = (line: number, text: string, col: number, carets = 1): string =>
    `  --> ${FILE}:${line}:${col}\n  |\n${line} | ${text}\n  | ${' '.repeat(col - 1)}${'^'.repeat(carets)}`;
  const nestingHint = "hint: simplify the expression: write an inner part as a definition ('name = ...') in the model block";

  it('10,000 nested parentheses: at the 65th level', () => {
    const line = `  y ~ Normal(${'('.repeat(10_000)}m${')'.repeat(10_000)}, 1)`;
    expect(render(`model {\n${line}\n}\n`)).toBe(
      `error[E120]: brackets and signs nested more than 64 levels deep\n${framed(2, line, 13 + 64)}\n${nestingHint}`,
    );
  });

  it('10,000 unclosed brackets, a run of signs, signs and calls mixed', () => {
    for (const [inner, col] of [['['.repeat(10_000), 77], ['-'.repeat(100), 77], [`${'exp(-'.repeat(40)}m${')'.repeat(40)}`, 18 + 5 * 31]] as const) {
      // Normal's '(' is level 1; each 'exp(-' adds two: the 32nd '-' (at 18 + 5 * 31) is level 65.
      const line = `  y ~ Normal(${inner}, 1)`;
      expect(render(`model {\n${line}\n}\n`)).toBe(`error[E120]: brackets and signs nested more than 64 levels deep\n${framed(2, line, col)}\n${nestingHint}`);
    }
  });

  it('64 levels of brackets, signs or calls (the distribution\'s own included) still parse', () => {
    for (const inner of [`${'('.repeat(63)}m${')'.repeat(63)}`, `${'-'.repeat(63)}m`, `${'exp('.repeat(63)}m${')'.repeat(63)}`]) {
      const { program, diagnostics } = parse(`model {\n  y ~ Normal(${inner}, 1)\n}\n`, FILE);
      expect(diagnostics).toEqual([]);
      expect(program).toBeDefined();
    }
  });

  it('a sum of 1001 terms: more than 1000 operations deep', () => {
    const line = `  eta = ${Array(1001).fill('a').join(' + ')}`;
    expect(render(`model {\n${line}\n}\n`)).toBe(
      `error[E120]: expression nested more than 1000 operations deep\n${framed(2, line, 9, line.length - 8)}\n` +
        'hint: a sum or product nests one operation per term: simplify the expression',
    );
    expect(parse(`model {\n  eta = ${Array(1000).fill('a').join(' + ')}\n}\n`, FILE).diagnostics).toEqual([]);
  });

  it('more than 20,000 tokens, or more than a million characters: a data file given as the model?', () => {
    const hint = "hint: a model file holds blocks such as 'model { ... }'; a data file goes in the data block or --data";
    const statements = Array.from({ length: 7000 }, (_, i) => `  g${i} = 1`);
    expect(render(`generated {\n${statements.join('\n')}\n}\n`)).toBe(
      `error[E120]: model file too large: more than 20000 tokens\n  --> ${FILE}:6668:3\n     |\n6668 |   g6666 = 1\n     |   ^^^^^\n${hint}`,
    );
    const long = `// ${'x'.repeat(1_000_000)}`;
    expect(render(`${long}\nmodel { }\n`)).toBe(`error[E120]: model file too large: more than 1000000 characters\n${framed(1, long, 1)}\n${hint}`);
  });

  it('10,000 of any opener, closer or quote ends in diagnostics, never a stack overflow', () => {
    for (const piece of ['(', '[', '{', '}', ')', ']', '-', 'exp(', '(1 | ', 'b[', '"', '`', '/*', '- (', '+', ',', '~']) {
      const { diagnostics } = parse(`model {\n  y ~ Normal(${piece.repeat(10_000)}m, 1)\n}\n`, FILE);
      expect(diagnostics.length, piece).toBeGreaterThan(0);
    }
  });
});
