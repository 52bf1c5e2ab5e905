import type { Diagnostic, Span } from '../core/errors.js';

/**
 * Every syntax error text, one constructor per kind (stanc3 keeps all its messages in one file too);
 * explain_failure.ts decides which one applies. Style: lowercase, short, tokens in single quotes,
 * "expected X after 'Y', found 'Z'"; the hint says what to write instead. Codes:
 *   E101-E104 lexical: bad character, unterminated string / comment / quoted name
 *   E110 a declaration or statement of the wrong shape     E111 brackets: missing, mismatched, unmatched
 *   E112 not a block at the top level                      E113 a block given twice
 *   E114 an expression or argument is missing              E115 a distribution is missing or malformed
 *   E116 a bad index                                       E117 a statement in the wrong block
 *   E118 a reserved word used as a name                    E119 any other unexpected token
 *   E120 a file too large, or an expression nested too deeply, to compile safely
 *
 * Token texts (`after`, `found`) arrive quoted by explain_failure.ts: `'x'`, or `"a b"` for a string.
 * `found` is undefined when the parser met the end of the line or file: the caret then points where
 * the missing piece belongs, and naming the next line's first token would only confuse.
 */

/** A diagnostic and where it starts in the source, so lexer and parser problems sort into reading order. */
export interface SyntaxProblem {
  readonly offset: number;
  readonly diagnostic: Diagnostic;
}

export type BlockName = 'data' | 'parameters' | 'model' | 'generated';

type Found = string | undefined;

const q = (text: string): string => `'${text}'`;
const foundSuffix = (found: Found): string => (found === undefined ? '' : `, found ${found}`);
const diag = (code: string, message: string, span: Span, hint?: string): Diagnostic =>
  hint === undefined ? { code, message, span } : { code, message, span, hint };

const statementHints: Record<BlockName, string> = {
  data: "declare a column as 'name: type', e.g. 'ZEB2: count'",
  parameters: "declare a parameter as 'name ~ Prior(...)', e.g. 'sigma: positive ~ HalfNormal(1)'",
  model: "write 'name = expression' for a definition or 'column ~ Distribution(...)' for a likelihood",
  generated: "write 'name = expression'",
};

const indexHint = (inParameters: boolean): string =>
  inParameters
    ? "a vector parameter is indexed by one factor column, e.g. 'beta[cell_group]'"
    : `index by a factor column or a level, e.g. 'beta[cell_group]' or 'beta["T : R : healthy"]'`;

const operatorMissingHint = (name: string): string => `is an operator missing before ${name}?`;

/** Habits from R and Stan that are worth a specific hint wherever they turn up. */
export function foreignOperatorHint(op: string): string | undefined {
  if (op === '<-') return "Glimmer uses '=' for definitions";
  if (op === '==') return "Glimmer uses a single '=' for definitions; '==' only compares a data column with a value, in parentheses";
  if (/^[-+*/]=$/.test(op)) return `there is no ${q(op)}; a likelihood is written 'column ~ Distribution(...)'`;
  if (op === '**') return "the power operator is '^' (x^2)";
  if (/^(?:[<>!&|%]|!=|<=|>=)$/.test(op)) return 'Glimmer has no comparison or logical operators';
  return undefined;
}

export const syntaxErrors = {
  // E101-E104: the lexer.
  unexpectedCharacter(span: Span, text: string): Diagnostic {
    const noun = [...text].length > 1 ? 'characters' : 'character';
    let hint: string | undefined;
    if (text.startsWith("'")) hint = 'strings are written in double quotes: "..."';
    else if (/^\p{L}/u.test(text)) hint = "names use ASCII letters, digits, '_' and '.'; write other names in backticks, e.g. `σ`";
    else if (text === '$') hint = 'refer to a data column by its name alone';
    return diag('E101', `unexpected ${noun} ${q(text)}`, span, hint);
  },
  unterminatedString: (span: Span): Diagnostic =>
    diag('E102', 'unterminated string', span, `close it with '"' before the end of the line`),
  unterminatedComment: (span: Span): Diagnostic => diag('E103', 'unterminated comment', span, "close it with '*/'"),
  unterminatedName: (span: Span): Diagnostic =>
    diag('E104', 'unterminated quoted name', span, "close it with '`' before the end of the line"),

  // E110: declarations and statements. `what` is e.g. "'=' or '~'".
  expectedAfter: (span: Span, what: string, after: string, found: Found, block: BlockName): Diagnostic =>
    diag('E110', `expected ${what} after ${after}${foundSuffix(found)}`, span, statementHints[block]),
  expectedColumnType: (span: Span, found: Found): Diagnostic =>
    diag('E110', `expected a column type after ':'${foundSuffix(found)}`, span, "e.g. 'count', 'real' or 'factor'"),
  expectedConstraint: (span: Span, found: Found): Diagnostic =>
    diag('E110', `expected a constraint after ':'${foundSuffix(found)}`, span, "e.g. 'positive', 'lower(0)' or 'bounded(0, 1)'"),
  constraintInModel: (span: Span, name: string, found: Found): Diagnostic =>
    diag('E110', `expected '=' or '~' after ${q(name)}${foundSuffix(found)}`, span,
      `constraints belong in the parameters block, e.g. '${name}: positive ~ HalfNormal(1)'`),

  // E111: brackets.
  missingCloseBlock: (span: Span, block: string, at: string): Diagnostic =>
    diag('E111', `missing '}' to close the ${q(block)} block opened at ${at}`, span, "add '}' after the block's last statement"),
  missingClose: (span: Span, close: string, open: string, at: string): Diagnostic =>
    diag('E111', `missing ${q(close)} to close the ${q(open)} opened at ${at}`, span),
  mismatchedClose: (span: Span, close: string, open: string, at: string, found: Found): Diagnostic =>
    diag('E111', `expected ${q(close)} to close the ${q(open)} opened at ${at}${foundSuffix(found)}`, span),
  expectedOpenBrace: (span: Span, after: string, found: Found): Diagnostic =>
    diag('E111', `expected '{' after ${after}${foundSuffix(found)}`, span),
  unquotedDataPath: (span: Span, path: string): Diagnostic =>
    diag('E111', `expected a quoted path or '{' after 'data', found ${q(path)}`, span, `quote the path: data "${path}" { ... }`),
  unmatched(span: Span, close: string): Diagnostic {
    const open = { ')': '(', ']': '[', '}': '{' }[close] ?? close;
    return diag('E111', `unmatched ${q(close)}`, span, `remove it, or add the ${q(open)} it closes`);
  },

  // E112, E113: the top level.
  expectedBlock(span: Span, found: string, why: { guess?: string; statement?: boolean }): Diagnostic {
    let hint = "a model file is a sequence of blocks such as 'model { ... }'";
    if (why.guess !== undefined) hint = `did you mean ${q(why.guess)}?`;
    else if (why.statement === true) hint = "statements go inside a block, e.g. 'model { ... }'";
    return diag('E112', `expected a block ('data', 'parameters', 'model' or 'generated')${foundSuffix(found)}`, span, hint);
  },
  duplicateBlock: (span: Span, block: string, firstAt: string): Diagnostic =>
    diag('E113', `duplicate ${q(block)} block (the first is at ${firstAt})`, span, 'merge the two blocks into one'),

  // E114, E115: expressions and distributions.
  expectedExpression: (span: Span, after: string, found: Found): Diagnostic =>
    diag('E114', `expected an expression after ${after}${foundSuffix(found)}`, span),
  trailingComma: (span: Span, found: Found): Diagnostic =>
    diag('E114', `expected an argument after ','${foundSuffix(found)}`, span, "remove the trailing ','"),
  expectedDistribution: (span: Span, found: Found): Diagnostic =>
    diag('E115', `expected a distribution after '~'${foundSuffix(found)}`, span, "e.g. 'Normal(0, 1)'"),
  expectedDistributionArgs: (span: Span, dist: string, found: Found): Diagnostic =>
    diag('E115', `expected '(' after the distribution ${q(dist)}${foundSuffix(found)}`, span,
      `write its arguments in parentheses, e.g. '${dist}(...)'`),

  // E116: indexes.
  emptyIndex: (span: Span, inParameters: boolean): Diagnostic => diag('E116', "empty index '[]'", span, indexHint(inParameters)),
  /** `beta[1]`, `beta[a + b]` in the parameters block: `what` is "a factor column" or "']'". */
  parameterIndex: (span: Span, what: string, after: string, found: Found): Diagnostic =>
    diag('E116', `expected ${what} after ${after}${foundSuffix(found)}`, span, indexHint(true)),

  // E117, E118: the wrong statement for the block; a reserved word.
  equalsInParameters: (span: Span, op: string): Diagnostic =>
    diag('E117', `${q(op)} in the parameters block`, span, "parameters are declared with '~' priors; put definitions in the model block"),
  tildeInGenerated: (span: Span): Diagnostic =>
    diag('E117', "'~' in the generated block", span,
      "generated quantities are definitions 'name = expression'; put likelihoods in the model block"),
  reservedWord: (span: Span, word: string): Diagnostic =>
    diag('E118', `${q(word)} is a reserved word`, span, `write it in backticks to use it as a name: \`${word}\``),

  // E119: anything else.
  unexpectedStatement(span: Span, block: BlockName, found: string, operatorMissing = false): Diagnostic {
    let hint = operatorMissing ? operatorMissingHint(found) : statementHints[block];
    if (found === "';'") hint = "remove the extra ';'";
    else if (found.startsWith('"')) hint = 'write names with spaces in backticks, e.g. `cell group`';
    return diag('E119', `expected a statement in the ${q(block)} block${foundSuffix(found)}`, span, hint);
  },
  runTogether: (span: Span, before: string, name: string): Diagnostic =>
    diag('E119', `unexpected ${name} after ${before}`, span, operatorMissingHint(name)),
  foreignOperator: (span: Span, op: string): Diagnostic =>
    diag('E119', `${q(op)} is not a Glimmer operator`, span, foreignOperatorHint(op)),
  /** Inside brackets: `Normal(0 1)` (`commaHint`: a ',' would make it read), `(a b)`. */
  unexpectedInBrackets: (span: Span, expected: string, after: string, found: Found, commaHint: boolean): Diagnostic =>
    diag('E119', `expected ${expected} after ${after}${foundSuffix(found)}`, span, commaHint ? "separate arguments with ','" : undefined),
  unexpected: (span: Span, expected: string, after: string, found: Found): Diagnostic =>
    diag('E119', `expected ${expected} after ${after}${foundSuffix(found)}`, span),

  // E120: limits that keep the parser and the compiler's recursive passes fast and within the stack.
  fileTooLarge: (span: Span, limit: string): Diagnostic =>
    diag('E120', `model file too large: more than ${limit}`, span,
      "a model file holds blocks such as 'model { ... }'; a data file goes in the data block or --data"),
  nestedTooDeeply: (span: Span, limit: number): Diagnostic =>
    diag('E120', `brackets and signs nested more than ${limit} levels deep`, span,
      "simplify the expression: write an inner part as a definition ('name = ...') in the model block"),
  expressionTooDeep: (span: Span, limit: number): Diagnostic =>
    diag('E120', `expression nested more than ${limit} operations deep`, span,
      'a sum or product nests one operation per term: simplify the expression'),
};
