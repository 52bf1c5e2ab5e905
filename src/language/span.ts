import type { Span } from '../core/errors.js';

/** Anything with a chevrotain position: a token or a CST node location. Offsets are 0-based, inclusive. */
export interface Located {
  readonly startOffset: number;
  readonly endOffset?: number;
  readonly startLine?: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** From the first character of `first` to the last of `last` (the renderer clips to the first line). */
export function spanOf(file: string, first: Located, last: Located = first): Span {
  const end = last.endOffset ?? last.startOffset;
  return { file, line: first.startLine ?? 1, col: first.startColumn ?? 1, length: end - first.startOffset + 1 };
}

/** The column just past `token`: where a missing ')' or '}' belongs. */
export function spanAfter(file: string, token: Located): Span {
  return { file, line: token.endLine ?? 1, col: (token.endColumn ?? 0) + 1, length: 1 };
}

/** Tokens that chevrotain makes up (EOF, inserted tokens) have NaN positions. */
export function isReal(token: Located): boolean {
  return !Number.isNaN(token.startOffset);
}
