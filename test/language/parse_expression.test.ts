import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { parseExpression } from '../../src/language/parse_expression.js';

const rendered = (text: string): string => {
  const { diagnostics } = parseExpression(text, '--contrast');
  return diagnostics.map((d) => renderDiagnostic(d, new Map([['--contrast', text]]))).join('\n');
};

describe('parseExpression: one expression by the program grammar, located on line 1 of its pseudo-file', () => {
  it('parses what a generated block parses, with spans in the text', () => {
    const { expr, diagnostics } = parseExpression('beta["a"] - 2 * exp(s)', '--contrast');
    expect(diagnostics).toEqual([]);
    expect(expr).toMatchObject({
      kind: 'binary', op: '-', span: { file: '--contrast', line: 1, col: 1, length: 22 },
      left: { kind: 'index', target: { name: 'beta', span: { col: 1 } }, index: { kind: 'str', value: 'a', span: { col: 6, length: 3 } } },
      right: { kind: 'binary', op: '*', right: { kind: 'call', fn: { name: 'exp', span: { col: 17 } } } },
    });
  });

  it('points a syntax error into the text, at the end when the text stops short', () => {
    expect(rendered('beta[x] -')).toBe("error[E114]: expected an expression after '-'\n  --> --contrast:1:10\n  |\n1 | beta[x] -\n  |          ^");
    expect(rendered('(a')).toMatch(/missing '\)' to close the '\(' opened at 1:1\n {2}--> --contrast:1:3/);
  });

  it('rejects two expressions, an empty text and text that opens other blocks', () => {
    expect(rendered('a b')).toBe("error[E101]: expected one expression\n  --> --contrast:1:1\n  |\n1 | a b\n  | ^^^\nhint: join the terms with + - * /, e.g. beta[A] - beta[B]");
    expect(rendered('  ')).toMatch(/^error\[E101\]: empty expression/);
    expect(rendered('a } model { y ~ Normal(0, 1)')).toMatch(/^error\[E101\]: expected one expression/);
  });
});

describe('parseExpression: messages speak of the text, not of the block it is wrapped in', () => {
  it('a stray token after the expression', () => {
    expect(rendered('beta[x] 2')).toBe("error[E119]: unexpected '2' after the expression\n  --> --contrast:1:9\n  |\n1 | beta[x] 2\n  |         ^\nhint: is an operator missing before '2'?");
  });
});
