import {
  CstParser, isRecognitionException, tokenMatcher, type IParserErrorMessageProvider, type IRecognitionException,
  type IToken, type TokenType,
} from 'chevrotain';
import { explainDuplicate, explainFailure, explainStrayToken, explainStrayTopLevel, isBoundary, startsBlock } from './explain_failure.js';
import type { BlockName, SyntaxProblem } from './syntax_errors.js';
import { Bad, Colon, EqEq, Equals, ForeignOp, LCurly, LSquare, Name, RCurly, Semicolon, Tilde } from './tokens.js';
import { isReal } from './span.js';

/**
 * Error recovery for the Glimmer parser, kept apart from the grammar (parser.ts).
 *
 * Chevrotain's own recovery (token insertion/deletion, re-sync to follow sets) is off: every name is in
 * the follow set of every statement, so it tends to resume in the middle of the broken statement and
 * report a cascade. Instead, as in Crafting Interpreters, each statement is parsed under a guard; on
 * the first error the guard records one explained problem and skips to where the next statement
 * plausibly starts (jlox's `synchronize`), using the line structure that the grammar ignores.
 */

/** The error message provider only records what was expected; explain_failure.ts writes the text. */
const expectations: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => JSON.stringify([expected.name]),
  buildNotAllInputParsedMessage: () => '[]',
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) => JSON.stringify(firstTokens(expectedPathsPerAlt.flat())),
  buildEarlyExitMessage: ({ expectedIterationPaths }) => JSON.stringify(firstTokens(expectedIterationPaths)),
};
const firstTokens = (paths: TokenType[][]): string[] => [...new Set(paths.map((p) => p[0]?.name ?? 'EOF'))];

/** Thrown by the grammar's own checks (e.g. `sigma positive`), handled like chevrotain's errors. */
class GrammarCheckFailure extends Error {
  constructor(readonly rule: string, readonly expected: readonly string[]) {
    super(`${rule}: expected ${expected.join(' ')}`);
  }
}

/** What may follow a name at the start of a statement, per block: how a fresh statement is recognised. */
const statementSecondToken: Record<BlockName, readonly TokenType[]> = {
  data: [Colon],
  parameters: [Colon, Tilde, LSquare],
  model: [Equals, Tilde, ForeignOp, EqEq],
  generated: [Equals, ForeignOp, EqEq],
};

/** Source extent [start, end) of one statement: "at most one error per statement" is counted in these. */
export interface Extent {
  readonly start: number;
  readonly end: number;
}

export abstract class RecoveringParser extends CstParser {
  protected file = '';
  protected problems: SyntaxProblem[] = [];
  protected extents: Extent[] = [];
  private blocksSeen = new Map<string, IToken>();
  private earlyClose: IToken | undefined;

  /** `validate`: chevrotain's grammar checks, which the tests run (test/language/grammar_validation.test.ts) and start-up skips. */
  constructor(tokens: readonly TokenType[], validate = false) {
    super(tokens as TokenType[], {
      recoveryEnabled: false,
      errorMessageProvider: expectations,
      nodeLocationTracking: 'full',
      maxLookahead: 2, // `log_rate = eta` (a named argument) or `log_rate + 1` (an expression)
      skipValidations: !validate,
    });
  }

  /** Call before each parse: the parser instance is built once and reused. */
  protected startParse(file: string): void {
    this.file = file;
    this.problems = [];
    this.extents = [];
    this.blocksSeen = new Map();
    this.earlyClose = undefined;
  }

  /** `parseOne*`, where a statement that fails is reported and skipped, and so is a stray token between statements. */
  protected statements(block: BlockName, parseOne: () => void): void {
    do {
      this.MANY(() => this.statement(block, parseOne));
    } while (!this.RECORDING_PHASE && this.skipStrayToken(block));
  }

  /** `block*` at the top level, with the same recovery one level up. */
  protected blocks(parseOne: () => void): void {
    do {
      this.MANY(() => this.block(parseOne));
    } while (!this.RECORDING_PHASE && this.skipStrayTopLevel());
  }

  /** Raised from an ACTION when a check beyond the grammar fails; `expected` steers explain_failure.ts. */
  protected fail(rule: string, expected: readonly string[]): never {
    throw new GrammarCheckFailure(rule, expected);
  }

  private statement(block: BlockName, parseOne: () => void): void {
    const start = this.LA(1);
    try {
      parseOne();
    } catch (e) {
      const line = this.LA(1).startLine;
      this.report(e, block, start);
      // A ';' that broke the statement (`Hal;fNormal(1)`) is a typo, not the statement's end.
      if (tokenMatcher(this.LA(1), Semicolon)) this.SKIP_TOKEN();
      this.synchronize(block);
      // A '}' in the middle of the broken line probably closed the block too early: what follows is no news.
      if (tokenMatcher(this.LA(1), RCurly) && this.LA(1).startLine === line) this.earlyClose = this.LA(1);
    }
    this.extents.push({ start: start.startOffset, end: this.offsetOf(this.LA(1)) });
  }

  private block(parseOne: () => void): void {
    const keyword = this.LA(1);
    const block = keyword.image as BlockName;
    // A keyword without '{' is not a block, so not a duplicate either: its own error says enough.
    if (!this.RECORDING_PHASE && startsBlock(keyword, this.LA(2))) this.noteBlock(block, keyword);
    try {
      parseOne();
    } catch (e) {
      this.report(e, block, keyword);
      this.synchronizeTopLevel();
      // Whatever else is wrong in the skipped text (a bad character, a string) counts as the same error.
      this.extents.push({ start: keyword.startOffset, end: this.offsetOf(this.LA(1)) });
    }
  }

  private noteBlock(block: BlockName, keyword: IToken): void {
    const first = this.blocksSeen.get(block);
    if (first === undefined) this.blocksSeen.set(block, keyword);
    else this.record(keyword, explainDuplicate(this.file, block, keyword, first));
  }

  private report(e: unknown, block: BlockName, start: IToken): void {
    if (this.RECORDING_PHASE) throw e;
    let failure: { rule: string; expected: readonly string[] };
    if (e instanceof GrammarCheckFailure) failure = e;
    else if (e instanceof Error && isRecognitionException(e)) {
      const stack = (e as IRecognitionException).context.ruleStack;
      failure = { rule: stack[stack.length - 1], expected: JSON.parse(e.message) as string[] };
    } else throw e;
    const [previous, found, next] = [this.LA(0), this.LA(1), this.LA(2)];
    // A malformed token was reported by the lexer; the parser tripping over it is not news.
    if (tokenMatcher(found, Bad)) return;
    const diagnostic = explainFailure({ file: this.file, tokens: this.input, block, start, previous, found, next, ...failure });
    const offset = isReal(found) && found.startLine === previous.endLine ? found.startOffset : (previous.endOffset ?? -1) + 1;
    this.problems.push({ offset, diagnostic });
  }

  /** Skip to a ';' (consumed), a '}', the next block, or a name that starts a line and a statement. */
  private synchronize(block: BlockName): void {
    for (let t = this.LA(1); !isBoundary(t, this.LA(2)); t = this.SKIP_TOKEN()) {
      if (tokenMatcher(t, Semicolon)) {
        this.SKIP_TOKEN();
        return;
      }
      if (this.startsStatement(block)) return;
    }
  }

  /** A stray '{' opens something (`factorparameters {`, a run-together keyword): skip to its '}'. */
  private skipBraces(): void {
    let depth = 0;
    do {
      const t = this.LA(1);
      if (tokenMatcher(t, LCurly)) depth++;
      else if (tokenMatcher(t, RCurly)) depth--;
      this.SKIP_TOKEN();
    } while (depth > 0 && isReal(this.LA(1)));
  }

  /** Skip to the next block header (`model {`, `data "x.csv"`): a bare keyword may be a word in junk. */
  private synchronizeTopLevel(): void {
    while (isReal(this.LA(1)) && !startsBlock(this.LA(1), this.LA(2))) this.SKIP_TOKEN();
  }

  private startsStatement(block: BlockName): boolean {
    const [previous, t, next] = [this.LA(0), this.LA(1), this.LA(2)];
    const startsLine = !isReal(previous) || (t.startLine ?? 0) > (previous.endLine ?? 0);
    return startsLine && tokenMatcher(t, Name) && statementSecondToken[block].some((type) => tokenMatcher(next, type));
  }

  private skipStrayToken(block: BlockName): boolean {
    const t = this.LA(1);
    if (isBoundary(t, this.LA(2))) return false;
    const diagnostic = explainStrayToken({ file: this.file, tokens: this.input, block, found: t });
    if (diagnostic !== undefined) this.record(t, diagnostic);
    if (tokenMatcher(t, LCurly)) this.skipBraces();
    else {
      this.SKIP_TOKEN();
      this.synchronize(block);
    }
    this.extents.push({ start: t.startOffset, end: this.offsetOf(this.LA(1)) });
    return true;
  }

  private skipStrayTopLevel(): boolean {
    const t = this.LA(1);
    if (!isReal(t)) return false;
    const diagnostic = explainStrayTopLevel(this.file, t, this.LA(2));
    if (diagnostic !== undefined && this.LA(0) !== this.earlyClose) this.record(t, diagnostic);
    this.SKIP_TOKEN();
    this.synchronizeTopLevel();
    this.extents.push({ start: t.startOffset, end: this.offsetOf(this.LA(1)) });
    return true;
  }

  private record(t: IToken, diagnostic: SyntaxProblem['diagnostic']): void {
    this.problems.push({ offset: t.startOffset, diagnostic });
  }

  private offsetOf(t: IToken): number {
    return isReal(t) ? t.startOffset : Number.MAX_SAFE_INTEGER;
  }
}
