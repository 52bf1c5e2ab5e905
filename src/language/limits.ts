import { tokenMatcher, type IToken } from 'chevrotain';
import type { Diagnostic } from '../core/errors.js';
import type { Expr, Program } from './ast.js';
import { spanOf } from './span.js';
import { syntaxErrors, type SyntaxProblem } from './syntax_errors.js';
import { LParen, LSquare, Minus, Name, NumberLit, RParen, RSquare, StringLit } from './tokens.js';

/**
 * Limits on the size of a model file and on how deeply its expressions nest, so that a crafted or
 * corrupted file (or a data file passed as the model) ends in a located error (E120) within a
 * fraction of a second, instead of overflowing the stack or parsing for seconds: the parser and the
 * compiler's passes are recursive, and chevrotain builds a tree node per rule per token (~10 us a
 * token here). Measured with Node's default stack, chevrotain overflows at ~170 nested calls
 * (`exp(exp(...))`) and the compiler at ~4,000 operations in a chain; the limits leave a wide margin,
 * and no real model comes near them (the example models have a few hundred tokens and nest a few levels).
 */
export const MAX_SOURCE_CHARS = 1_000_000;
export const MAX_TOKENS = 20_000;
export const MAX_NESTING = 64;
export const MAX_EXPRESSION_DEPTH = 1000;

/** A file too long to lex quickly: checked before lexing. */
export function checkLength(source: string, file: string): Diagnostic | undefined {
  if (source.length <= MAX_SOURCE_CHARS) return undefined;
  return syntaxErrors.fileTooLarge({ file, line: 1, col: 1, length: 1 }, `${MAX_SOURCE_CHARS} characters`);
}

/** A file with too many tokens to parse quickly (comments and whitespace are not tokens). */
export function checkTokenCount(tokens: readonly IToken[], file: string): Diagnostic | undefined {
  if (tokens.length <= MAX_TOKENS) return undefined;
  return syntaxErrors.fileTooLarge(spanOf(file, tokens[MAX_TOKENS]), `${MAX_TOKENS} tokens`);
}

/** After these tokens a '-' is binary (`a - b`); anywhere else it is a sign (`-b`, `(- b`, `= -b`). */
const endsOperand = (t: IToken | undefined): boolean =>
  t !== undefined && [Name, NumberLit, StringLit, RParen, RSquare].some((type) => tokenMatcher(t, type));

/** `f(` and `b[`: the operand goes on into the brackets, and so does any sign before it (`-exp(...)`). */
const opensCallOrIndex = (t: IToken, next: IToken | undefined): boolean =>
  tokenMatcher(t, Name) && next !== undefined && (tokenMatcher(next, LParen) || tokenMatcher(next, LSquare));

/**
 * The first token that opens more than MAX_NESTING levels, checked before parsing: each '(' or '['
 * and each sign is one level of the parser's recursion. A sign's level ends with its operand; a
 * bracket's with its closer (an unmatched closer is the parser's to report).
 */
export function checkNesting(tokens: readonly IToken[], file: string): SyntaxProblem | undefined {
  const bases: number[] = [];
  let base = 0;
  let level = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (tokenMatcher(t, LParen) || tokenMatcher(t, LSquare)) {
      bases.push(base);
      base = level = level + 1;
    } else if (tokenMatcher(t, RParen) || tokenMatcher(t, RSquare)) {
      base = level = bases.pop() ?? 0;
    } else if (tokenMatcher(t, Minus) && !endsOperand(tokens[i - 1])) {
      level++;
    } else if (!opensCallOrIndex(t, tokens[i + 1])) {
      level = base;
    }
    if (level > MAX_NESTING) return { offset: t.startOffset, diagnostic: syntaxErrors.nestedTooDeeply(spanOf(file, t), MAX_NESTING) };
  }
  return undefined;
}

/** Every expression of a program, for the depth check. */
function expressions(program: Program): Expr[] {
  const out: Expr[] = [];
  for (const p of program.parameters) {
    out.push(...(p.constraint?.args ?? []), ...(p.prior?.args ?? []).map((a) => a.value));
  }
  for (const s of program.model) {
    if (s.kind === 'assign') out.push(s.value);
    else out.push(...s.dist.args.map((a) => a.value));
  }
  out.push(...program.generated.map((g) => g.value));
  return out;
}

/** The operations in `e` nested inside one another, counted without recursion (a chain is one per term). */
function depthOf(e: Expr): number {
  let deepest = 0;
  const stack: [Expr, number][] = [[e, 1]];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    deepest = Math.max(deepest, depth);
    if (node.kind === 'binary') stack.push([node.left, depth + 1], [node.right, depth + 1]);
    else if (node.kind === 'neg') stack.push([node.operand, depth + 1]);
    else if (node.kind === 'index') stack.push([node.index, depth + 1]);
    else if (node.kind === 'call') stack.push(...node.args.map((a): [Expr, number] => [a, depth + 1]));
  }
  return deepest;
}

/** An E120 for each expression nested more than MAX_EXPRESSION_DEPTH operations deep. */
export function checkExpressionDepth(program: Program): Diagnostic[] {
  return expressions(program)
    .filter((e) => depthOf(e) > MAX_EXPRESSION_DEPTH)
    .map((e) => syntaxErrors.expressionTooDeep(e.span, MAX_EXPRESSION_DEPTH));
}
