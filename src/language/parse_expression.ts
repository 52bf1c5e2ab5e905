import type { Diagnostic, Span } from '../core/errors.js';
import type { Expr } from './ast.js';
import { parse } from './parse.js';

/** The name the wrapping statement assigns to (text that closes the block and opens another is caught below). */
const HOLDER = '_expression_';

/**
 * One expression on one line (a `--contrast` argument), parsed by the program grammar so that it means
 * exactly what it would in a `generated` block. The text is wrapped as the right side of a generated
 * statement on a line of its own; every span is then moved back onto line 1 of `file`, so that errors
 * point into the text the user typed. Anything but a single expression is a syntax error.
 */
export function parseExpression(text: string, file: string): { expr?: Expr; diagnostics: Diagnostic[] } {
  const line = text.replace(/[\r\n]+/g, ' ');
  const source = `generated { ${HOLDER} =\n${line}\n}`;
  const { program, diagnostics } = parse(source, file);
  const end: Span = { file, line: 1, col: line.length + 1, length: 1 };
  if (line.trim() === '') return { diagnostics: [{ code: 'E101', message: 'empty expression', span: end, hint: 'e.g. beta[A] - beta[B]' }] };
  const notOne: Diagnostic = { code: 'E101', message: 'expected one expression', span: { file, line: 1, col: 1, length: Math.max(1, line.length) }, hint: 'join the terms with + - * /, e.g. beta[A] - beta[B]' };
  // E110 (`name = ...` expected) means the text ran on after a complete expression: a second statement.
  if (diagnostics.some((d) => d.code === 'E110')) return { diagnostics: [notOne] };
  const moved = diagnostics.map((d) => ({
    ...d, message: ownWords(d.message), ...(d.span ? { span: moveSpan(d.span, end) } : {}),
  }));
  if (moved.length > 0 || !program) return { diagnostics: moved };
  const [first, ...rest] = program.generated;
  const extra = rest[0] ?? program.model[0] ?? program.parameters[0];
  if (!first || first.name.name !== HOLDER || extra !== undefined || program.data !== undefined) return { diagnostics: [notOne] };
  return { expr: moveExpr(first.value, end), diagnostics: [] };
}

/** Messages in terms of the text, not of the wrapper: positions on its line 1, no 'generated' block. */
function ownWords(message: string): string {
  return message
    .replace(/\bat 2:(\d+)/g, 'at 1:$1')
    .replace(/^expected a statement in the 'generated' block, found (.*)$/, 'unexpected $1 after the expression');
}

/** Line 2 of the wrapper is the user's line 1; a problem found on the closing line is at the end of the text. */
function moveSpan(s: Span, end: Span): Span {
  if (s.line === 2) return { ...s, line: 1 };
  return end;
}

function moveExpr(e: Expr, end: Span): Expr {
  const span = moveSpan(e.span, end);
  switch (e.kind) {
    case 'num':
    case 'str':
    case 'var':
      return { ...e, span };
    case 'index':
      return { ...e, span, target: { ...e.target, span: moveSpan(e.target.span, end) }, index: moveExpr(e.index, end) };
    case 'neg':
      return { ...e, span, operand: moveExpr(e.operand, end) };
    case 'binary':
      return { ...e, span, left: moveExpr(e.left, end), right: moveExpr(e.right, end) };
    case 'call':
      return { ...e, span, fn: { ...e.fn, span: moveSpan(e.fn.span, end) }, args: e.args.map((a) => moveExpr(a, end)) };
  }
}
