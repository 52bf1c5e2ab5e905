import { createToken, Lexer, type ITokenConfig, type TokenType } from 'chevrotain';

/**
 * The token vocabulary of Glimmer. Order in `allTokens` matters: chevrotain takes the first pattern
 * that matches, so comments come before '/', the terminated forms of strings and comments before
 * their unterminated twins, and the catch-all `Unknown` last.
 */

// Names. `Identifier` must exist before the keywords, which fall back to it for `datum`, `models`.
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, label: 'NAME' });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_.]*/, categories: [Name] });
/** `cell group` in backticks: CSV columns with spaces, or a reserved word used as a name. */
export const QuotedName = createToken({ name: 'QuotedName', pattern: /`[^`\n\r]+`/, categories: [Name] });

/** A token spelt one way: its label (used by the railroad diagrams) is the quoted literal. */
const fixed = (name: string, literal: string, config: Partial<ITokenConfig> = {}): TokenType =>
  createToken({ name, pattern: new RegExp(literal.replace(/[{}()[\]*+/|^]/g, '\\$&')), label: `'${literal}'`, ...config });

export const BlockKeyword = createToken({ name: 'BlockKeyword', pattern: Lexer.NA });
const keyword = (name: string, word: string): TokenType => fixed(name, word, { longer_alt: Identifier, categories: [BlockKeyword] });
export const Data = keyword('Data', 'data');
export const Parameters = keyword('Parameters', 'parameters');
export const Model = keyword('Model', 'model');
export const Generated = keyword('Generated', 'generated');

export const NumberLit = createToken({ name: 'NumberLit', label: 'NUMBER', pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/ });
export const StringLit = createToken({ name: 'StringLit', label: 'STRING', pattern: /"(?:[^"\\\n\r]|\\.)*"/ });

// Operators that other languages have and Glimmer does not (R's `<-`, `==`, Stan's `+=`, Python's `**`).
// Lexing them as one token lets the parser say "found '<-'" in context and hint at the Glimmer way.
export const ForeignOp = createToken({ name: 'ForeignOp', pattern: /<-|!=|<=|>=|\+=|-=|\*=|\/=|\*\*|&&|[<>!&%]/ });

export const LCurly = fixed('LCurly', '{');
export const RCurly = fixed('RCurly', '}');
export const LParen = fixed('LParen', '(');
export const RParen = fixed('RParen', ')');
export const LSquare = fixed('LSquare', '[');
export const RSquare = fixed('RSquare', ']');
export const Comma = fixed('Comma', ',');
export const Semicolon = fixed('Semicolon', ';');
export const Colon = fixed('Colon', ':');
export const Tilde = fixed('Tilde', '~');
export const Equals = fixed('Equals', '=');
/** Formula bars: `(1 | g)` random effects, `(1 + x || g)` uncorrelated ones, as in lme4. */
export const BarOp = createToken({ name: 'BarOp', pattern: Lexer.NA, label: "'|' | '||' | '=='" });
export const DoubleBar = fixed('DoubleBar', '||', { categories: [BarOp] });
export const Bar = fixed('Bar', '|', { categories: [BarOp] });
/** `period == "2"`: a data column's indicator, at the loosest level with the bars (as R's == is below +). */
export const EqEq = fixed('EqEq', '==', { categories: [BarOp] });

export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA, label: "'+' | '-'" });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA, label: "'*' | '/'" });
export const Plus = fixed('Plus', '+', { categories: [AdditiveOp] });
export const Minus = fixed('Minus', '-', { categories: [AdditiveOp] });
export const Star = fixed('Star', '*', { categories: [MultiplicativeOp] });
export const Slash = fixed('Slash', '/', { categories: [MultiplicativeOp] });
export const Caret = fixed('Caret', '^');

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /(?:\/\/|#)[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true,
});

// Malformed input becomes tokens rather than lexer errors: the lexer reports each one once, and the
// parser sees it in place, so it recovers in the right statement instead of reading past the damage.
export const Bad = createToken({ name: 'Bad', pattern: Lexer.NA });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*/, categories: [Bad] });
export const UnterminatedName = createToken({ name: 'UnterminatedName', pattern: /`[^`\n\r]*/, categories: [Bad] });
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, categories: [Bad], line_breaks: true,
});
export const Unknown = createToken({ name: 'Unknown', pattern: /./, categories: [Bad] });

export const allTokens: readonly TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment,
  Data, Parameters, Model, Generated, Identifier, QuotedName, UnterminatedName,
  NumberLit, StringLit, UnterminatedString,
  ForeignOp, EqEq, DoubleBar, Bar, LCurly, RCurly, LParen, RParen, LSquare, RSquare, Comma, Semicolon, Colon, Tilde, Equals,
  Plus, Minus, Star, Slash, Caret,
  Unknown,
  // Categories have no pattern; listing them puts them in the parser's vocabulary.
  Name, BlockKeyword, AdditiveOp, MultiplicativeOp, BarOp, Bad,
];

/** How a fixed token is written in messages and in the EBNF: `{` for LCurly. */
export const literalOf: ReadonlyMap<TokenType, string> = new Map(
  allTokens.filter((t) => t.LABEL?.startsWith("'") && t.PATTERN !== Lexer.NA).map((t) => [t, (t.LABEL as string).slice(1, -1)]),
);

export const blockKeywords: readonly TokenType[] = [Data, Parameters, Model, Generated];
