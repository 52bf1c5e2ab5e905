import type { Diagnostic } from '../core/errors.js';
import { Lexer, tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import { syntaxErrors, type SyntaxProblem } from './syntax_errors.js';
import { allTokens, Bad, UnterminatedComment, UnterminatedName, UnterminatedString } from './tokens.js';
import { spanOf } from './span.js';

/**
 * The lexer. Chevrotain's validation of the token patterns costs a part of every start-up and finds
 * nothing in a fixed set of tokens, so it runs in the tests (test/language/grammar_validation.test.ts:
 * `validate`), not in every process.
 */
export function makeLexer(validate = false): Lexer {
  return new Lexer(allTokens as TokenType[], { positionTracking: 'full', skipValidations: !validate });
}

const lexer = makeLexer();

export interface LexResult {
  /** Every token, malformed ones included (category `Bad`), so the parser recovers around them. */
  readonly tokens: IToken[];
  /** One problem per malformed token, in source order. */
  readonly problems: SyntaxProblem[];
}

export function lex(source: string, file: string): LexResult {
  const { tokens, errors } = lexer.tokenize(source);
  const problems: SyntaxProblem[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!tokenMatcher(t, Bad)) continue;
    const at = (diagnostic: Diagnostic): number => problems.push({ offset: t.startOffset, diagnostic });
    if (tokenMatcher(t, UnterminatedString)) at(syntaxErrors.unterminatedString(spanOf(file, t)));
    else if (tokenMatcher(t, UnterminatedName)) at(syntaxErrors.unterminatedName(spanOf(file, t)));
    else if (tokenMatcher(t, UnterminatedComment)) at(syntaxErrors.unterminatedComment({ ...spanOf(file, t), length: 2 }));
    else {
      // A run of unknown characters (`@@`, or an emoji's two halves) is one problem.
      let last = t;
      const adjacent = (u: IToken | undefined): boolean =>
        u !== undefined && u.tokenType === t.tokenType && u.startOffset === last.startOffset + last.image.length;
      while (adjacent(tokens[i + 1])) last = tokens[++i];
      at(syntaxErrors.unexpectedCharacter(spanOf(file, t, last), source.slice(t.startOffset, last.startOffset + last.image.length)));
    }
  }
  // The catch-all `Unknown` token means chevrotain has nothing left to complain about; kept as a safety net.
  for (const e of errors) {
    const text = source.slice(e.offset, e.offset + e.length);
    const span = { file, line: e.line ?? 1, col: e.column ?? 1, length: e.length };
    problems.push({ offset: e.offset, diagnostic: syntaxErrors.unexpectedCharacter(span, text) });
  }
  return { tokens, problems };
}

/** The value of a string literal: `\"` and `\\` are escapes; any other backslash is kept (Windows paths). */
export function stringValue(image: string): string {
  return image.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

/** The name a Name token stands for: backticks removed from a quoted name. */
export function nameValue(image: string): string {
  return image.startsWith('`') ? image.slice(1, -1) : image;
}
