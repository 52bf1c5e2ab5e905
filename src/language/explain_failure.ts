import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import type { Diagnostic, Span } from '../core/errors.js';
import { suggest } from './suggest.js';
import { isReal, spanAfter, spanOf } from './span.js';
import { syntaxErrors as E, foreignOperatorHint, type BlockName } from './syntax_errors.js';
import {
  AdditiveOp, Bad, BlockKeyword, Colon, Comma, Data, EqEq, Equals, ForeignOp, LCurly, literalOf, LParen, LSquare,
  MultiplicativeOp, Name, NumberLit, RCurly, RParen, RSquare, Semicolon, StringLit, Tilde,
} from './tokens.js';

/**
 * Turns "the parser stopped here" into the message a Stan or R user needs. The parser tells us the
 * innermost rule, the token types it would have accepted, and the tokens around the stop; the choice
 * of message is made here, and every text lives in syntax_errors.ts.
 */
export interface FailureContext {
  readonly file: string;
  readonly tokens: readonly IToken[];
  /** The block being parsed, and the first token of the statement (or block) that failed. */
  readonly block: BlockName;
  readonly start: IToken;
  /** The innermost rule and the token type names it expected (from the error message provider). */
  readonly rule: string;
  readonly expected: readonly string[];
  /** LA(0), LA(1), LA(2) when the parser stopped. */
  readonly previous: IToken;
  readonly found: IToken;
  readonly next: IToken;
}

const is = (t: IToken, type: TokenType): boolean => tokenMatcher(t, type);
/** `'x'` for most tokens; a string literal shows its own double quotes. */
export const show = (t: IToken): string => (is(t, StringLit) ? t.image : `'${t.image}'`);
const position = (t: IToken): string => `${t.startLine}:${t.startColumn}`;

/** A block keyword followed by what a block header needs: otherwise it is a reserved word misused as a name. */
export function startsBlock(t: IToken, next: IToken): boolean {
  return is(t, BlockKeyword) && (is(next, LCurly) || (is(t, Data) && is(next, StringLit)));
}

/** Where the parser cannot go on inside a statement: a closing brace, the next block, the end. */
export function isBoundary(t: IToken, next: IToken): boolean {
  return !isReal(t) || is(t, RCurly) || startsBlock(t, next);
}

/**
 * Point at the offending token and name it, unless it is on a later line (or the end of the file):
 * then the caret goes just past the last good token, where the missing piece belongs.
 */
function placement(c: FailureContext): { span: Span; found?: string } {
  const { file, found, previous } = c;
  const afterPrevious = !isReal(found) || (isReal(previous) && (found.startLine ?? 0) > (previous.endLine ?? 0));
  if (!afterPrevious) return { span: spanOf(file, found), found: show(found) };
  return { span: isReal(previous) ? spanAfter(file, previous) : { file, line: 1, col: 1, length: 1 } };
}

const describeType = (name: string): string => {
  const literal = [...literalOf].find(([type]) => type.name === name)?.[1];
  if (literal !== undefined) return `'${literal}'`;
  return name === 'NumberLit' ? 'a number' : name === 'StringLit' ? 'a string' : 'a name';
};
const oneOf = (names: readonly string[]): string => {
  const words = [...new Set(names.map(describeType))];
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
};

/** The innermost '(' or '[' still open between the statement's start and the failure. */
function unclosedOpener(c: FailureContext): IToken | undefined {
  const from = Math.max(0, c.tokens.indexOf(c.start));
  const to = isReal(c.found) ? c.tokens.indexOf(c.found) : c.tokens.length;
  const open: IToken[] = [];
  for (const t of c.tokens.slice(from, to)) {
    if (t.image === '(' || t.image === '[') open.push(t);
    else if (t.image === ')' || t.image === ']') open.pop();
  }
  return open[open.length - 1];
}

const tokenBefore = (tokens: readonly IToken[], t: IToken): IToken | undefined => tokens[tokens.indexOf(t) - 1];

/** The statement starts on the line where the previous one ended: two statements run together. */
function operatorMissing(tokens: readonly IToken[], t: IToken): boolean {
  const before = tokenBefore(tokens, t);
  if (before === undefined || before.endLine !== t.startLine) return false;
  return !is(before, Semicolon) && !is(before, LCurly) && !is(before, RCurly);
}

export function explainFailure(c: FailureContext): Diagnostic {
  const d = explain(c, placement(c));
  // '==' is an operator only inside an expression; where a statement's '=' belongs it is R's habit.
  const foreign = is(c.found, ForeignOp) || is(c.found, EqEq) ? foreignOperatorHint(c.found.image) : undefined;
  return foreign !== undefined && d.code !== 'E117' ? { ...d, hint: foreign } : d;
}

function explain(c: FailureContext, at: { span: Span; found?: string }): Diagnostic {
  const { file, found, previous, expected } = c;
  if (expected.includes('Name') && is(found, BlockKeyword) && !startsBlock(found, c.next)) {
    return E.reservedWord(spanOf(file, found), found.image);
  }
  switch (c.rule) {
    case 'columnDecl':
      if (expected.includes('Colon')) return E.expectedAfter(at.span, "':'", show(previous), at.found, 'data');
      return E.expectedColumnType(at.span, at.found);
    case 'paramDecl':
      return parameterFailure(c, at);
    case 'paramDeclEnd': // raised by the parser itself after a declaration (parser.ts, endOfParameter)
      if (is(found, Equals) || found.image === '<-') return E.equalsInParameters(spanOf(file, found), found.image);
      return E.expectedAfter(at.span, oneOf(expected), show(previous), at.found, 'parameters');
    case 'constraint':
      return expected.includes('Name') ? E.expectedConstraint(at.span, at.found) : closing(c, at);
    case 'modelStmt': {
      // `eta = a b`: the grammar ends the statement at `a` and reads `b` as the next one.
      const before = tokenBefore(c.tokens, c.start);
      if (operatorMissing(c.tokens, c.start) && before !== undefined) {
        return E.runTogether(spanOf(file, c.start), show(before), show(c.start));
      }
      if (is(found, Colon)) return E.constraintInModel(at.span, previous.image, at.found);
      return E.expectedAfter(at.span, "'=' or '~'", show(previous), at.found, 'model');
    }
    case 'generatedStmt':
      if (is(found, Tilde)) return E.tildeInGenerated(spanOf(file, found));
      return E.expectedAfter(at.span, "'='", show(previous), at.found, 'generated');
    case 'distCall':
      if (expected.includes('Name')) return E.expectedDistribution(at.span, at.found);
      if (expected.includes('LParen')) return E.expectedDistributionArgs(at.span, previous.image, at.found);
      return closing(c, at);
    case 'unary':
      if (is(previous, Comma) && is(found, RParen)) return E.trailingComma(at.span, at.found);
      if (is(previous, LSquare) && is(found, RSquare)) return E.emptyIndex(spanOf(file, previous, found), false);
      return E.expectedExpression(at.span, show(previous), at.found);
    case 'primary':
    case 'reference':
      return closing(c, at);
    case 'dataBlock':
    case 'parametersBlock':
    case 'modelBlock':
    case 'generatedBlock':
      return blockFailure(c, at);
  }
  return E.unexpected(at.span, oneOf(expected), show(previous), at.found);
}

function parameterFailure(c: FailureContext, at: { span: Span; found?: string }): Diagnostic {
  const { file, found, previous, expected } = c;
  if (is(previous, LSquare) && is(found, RSquare)) return E.emptyIndex(spanOf(file, previous, found), true);
  if (expected.includes('Name')) return E.parameterIndex(at.span, 'a factor column', show(previous), at.found);
  if (isMissingClose(c, at)) return closing(c, at);
  return E.parameterIndex(at.span, "']'", show(previous), at.found);
}

/**
 * In `eta = a +⏎  z = 3` the grammar reads `a + z` and trips over the '='; the real problem is the
 * unfinished line above. Returns that line's last token when `found` is a statement's '=' or '~'
 * right after a name that starts a line.
 */
function danglingEnd(tokens: readonly IToken[], found: IToken): IToken | undefined {
  if (!is(found, Equals) && !is(found, Tilde)) return undefined;
  const i = tokens.indexOf(found);
  const [before, name] = [tokens[i - 2], tokens[i - 1]];
  if (before === undefined || name === undefined || !is(name, Name)) return undefined;
  return (before.endLine ?? 0) < (name.startLine ?? 0) ? before : undefined;
}

/** The line ended, or a token came that cannot be inside brackets: the ')' or ']' was forgotten. */
function isMissingClose(c: FailureContext, at: { found?: string }): boolean {
  if (at.found === undefined || isBoundary(c.found, c.next)) return true;
  if ([Tilde, Equals, Semicolon, Colon].some((type) => is(c.found, type))) return true;
  // `HalfNormal(1  sigma: positive ~ ...`: the name begins the next declaration, not an argument.
  return is(c.found, Name) && (is(c.next, Colon) || is(c.next, Tilde));
}

/** A ')' or ']' was expected: missing at the end of a line, or something unexpected inside the brackets. */
function closing(c: FailureContext, at: { span: Span; found?: string }): Diagnostic {
  const close = c.expected.includes('RSquare') ? ']' : ')';
  const opener = unclosedOpener(c);
  const dangling = danglingEnd(c.tokens, c.found);
  if (opener !== undefined && dangling !== undefined) {
    return E.missingClose(spanAfter(c.file, dangling), close, opener.image, position(opener));
  }
  if (opener !== undefined && isMissingClose(c, at)) {
    return E.missingClose(spanAfter(c.file, c.previous), close, opener.image, position(opener));
  }
  if (opener !== undefined && (is(c.found, RParen) || is(c.found, RSquare))) {
    return E.mismatchedClose(at.span, close, opener.image, position(opener), show(c.found));
  }
  // A ',' may separate arguments when the '(' follows a name: `Normal(0 1)`, `bounded(0 1)`, `log(x y)`.
  const before = opener === undefined ? undefined : tokenBefore(c.tokens, opener);
  const commaAllowed = close === ')' && before !== undefined && is(before, Name);
  const startsArgument = is(c.found, Name) || is(c.found, NumberLit) || is(c.found, StringLit);
  const expected = commaAllowed ? "',' or ')'" : `'${close}'`;
  return E.unexpectedInBrackets(at.span, expected, show(c.previous), at.found, commaAllowed && startsArgument);
}

function blockFailure(c: FailureContext, at: { span: Span; found?: string }): Diagnostic {
  const { file, found, previous, expected } = c;
  if (expected.includes('RCurly')) return E.missingCloseBlock(spanAfter(file, previous), c.block, position(c.start));
  const unquotedPath = c.rule === 'dataBlock' && is(previous, Data) && is(found, Name) && at.found !== undefined;
  if (unquotedPath) return E.unquotedDataPath(at.span, found.image);
  return E.expectedOpenBrace(at.span, show(previous), at.found);
}

/** Something that cannot start a statement where one should. Malformed tokens were reported by the lexer. */
export function explainStrayToken(c: Pick<FailureContext, 'file' | 'tokens' | 'block' | 'found'>): Diagnostic | undefined {
  const { file, found: t } = c;
  const span = spanOf(file, t);
  if (is(t, Bad)) return undefined;
  if (is(t, BlockKeyword)) return E.reservedWord(span, t.image);
  if (is(t, RParen) || is(t, RSquare)) return E.unmatched(span, t.image);
  const dangling = danglingEnd(c.tokens, t);
  if (dangling !== undefined && (is(dangling, AdditiveOp) || is(dangling, MultiplicativeOp) || is(dangling, Equals))) {
    return E.expectedExpression(spanAfter(file, dangling), show(dangling), undefined);
  }
  if (is(t, ForeignOp)) return E.foreignOperator(span, t.image);
  const startsOperand = is(t, NumberLit) || is(t, LParen);
  return E.unexpectedStatement(span, c.block, show(t), startsOperand && operatorMissing(c.tokens, t));
}

const blockNames = ['data', 'parameters', 'model', 'generated'] as const;

/** Something other than a block at the top level: a misspelt keyword, or statements outside any block. */
export function explainStrayTopLevel(file: string, t: IToken, next: IToken): Diagnostic | undefined {
  const span = spanOf(file, t);
  if (is(t, Bad)) return undefined;
  if (is(t, RCurly)) return E.unmatched(span, '}');
  const guess = is(t, Name) ? suggest(t.image, blockNames) : undefined;
  const statement = is(next, Equals) || is(next, Tilde) || is(next, Colon);
  return E.expectedBlock(span, show(t), { guess, statement });
}

export function explainDuplicate(file: string, block: BlockName, keyword: IToken, first: IToken): Diagnostic {
  return E.duplicateBlock(spanOf(file, keyword), block, position(first));
}
