import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * The token vocabulary of Glimmer. Order in `allTokens` matters: chevrotain takes the first pattern
 * that matches, so comments come before '/', the terminated forms of strings and comments before
 * their unterminated twins, and the catch-all `Unknown` last.
 */

// Names. `Identifier` must exist before the keywords, which fall back to it for `datum`, `models`.
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_.]*/, categories: [Name] });
/** `cell group` in backticks: CSV columns with spaces, or a reserved word used as a name. */
export const QuotedName = createToken({ name: 'QuotedName', pattern: /`[^`\n\r]+`/, categories: [Name] });

export const BlockKeyword = createToken({ name: 'BlockKeyword', pattern: Lexer.NA });
const keyword = (word: string, name: string): TokenType =>
  createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, categories: [BlockKeyword] });
export const Data = keyword('data', 'Data');
export const Parameters = keyword('parameters', 'Parameters');
export const Model = keyword('model', 'Model');
export const Generated = keyword('generated', 'Generated');

export const NumberLit = createToken({ name: 'NumberLit', pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/ });
export const StringLit = createToken({ name: 'StringLit', pattern: /"(?:[^"\\\n\r]|\\.)*"/ });

// Operators that other languages have and Glimmer does not (R's `<-`, `==`, Stan's `+=`, `^`).
// Lexing them as one token lets the parser say "found '<-'" in context and hint at the Glimmer way.
export const ForeignOp = createToken({ name: 'ForeignOp', pattern: /<-|==|!=|<=|>=|\+=|-=|\*=|\/=|\*\*|[<>!^&|%]/ });

export const LCurly = createToken({ name: 'LCurly', pattern: /{/ });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const LSquare = createToken({ name: 'LSquare', pattern: /\[/ });
export const RSquare = createToken({ name: 'RSquare', pattern: /]/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });
export const Colon = createToken({ name: 'Colon', pattern: /:/ });
export const Tilde = createToken({ name: 'Tilde', pattern: /~/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });

export const AdditiveOp = createToken({ name: 'AdditiveOp', pattern: Lexer.NA });
export const MultiplicativeOp = createToken({ name: 'MultiplicativeOp', pattern: Lexer.NA });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [AdditiveOp] });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [AdditiveOp] });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [MultiplicativeOp] });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [MultiplicativeOp] });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /(?:\/\/|#)[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

// Malformed input becomes tokens rather than lexer errors: the lexer reports each one once, and the
// parser sees it in place, so it recovers in the right statement instead of reading past the damage.
export const Bad = createToken({ name: 'Bad', pattern: Lexer.NA });
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\.)*/, categories: [Bad] });
export const UnterminatedName = createToken({ name: 'UnterminatedName', pattern: /`[^`\n\r]*/, categories: [Bad] });
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, categories: [Bad], line_breaks: true });
export const Unknown = createToken({ name: 'Unknown', pattern: /./, categories: [Bad] });

export const allTokens: readonly TokenType[] = [
  WhiteSpace, LineComment, BlockComment, UnterminatedComment,
  Data, Parameters, Model, Generated, Identifier, QuotedName, UnterminatedName,
  NumberLit, StringLit, UnterminatedString,
  ForeignOp, LCurly, RCurly, LParen, RParen, LSquare, RSquare, Comma, Semicolon, Colon, Tilde, Equals,
  Plus, Minus, Star, Slash,
  Unknown,
  // Categories have no pattern; listing them puts them in the parser's vocabulary.
  Name, BlockKeyword, AdditiveOp, MultiplicativeOp, Bad,
];

/** How a token type is written in messages and in the EBNF: the literal for fixed tokens. */
export const literalOf: ReadonlyMap<TokenType, string> = new Map<TokenType, string>([
  [Data, 'data'], [Parameters, 'parameters'], [Model, 'model'], [Generated, 'generated'],
  [LCurly, '{'], [RCurly, '}'], [LParen, '('], [RParen, ')'], [LSquare, '['], [RSquare, ']'],
  [Comma, ','], [Semicolon, ';'], [Colon, ':'], [Tilde, '~'], [Equals, '='],
  [Plus, '+'], [Minus, '-'], [Star, '*'], [Slash, '/'],
]);

export const blockKeywords: readonly TokenType[] = [Data, Parameters, Model, Generated];
