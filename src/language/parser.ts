import { tokenMatcher, type IToken } from 'chevrotain';
import type { ProgramCstNode } from './cst_types.js';
import { RecoveringParser, type Extent } from './recovery.js';
import { isReal } from './span.js';
import type { SyntaxProblem } from './syntax_errors.js';
import {
  AdditiveOp, allTokens, BarOp, Caret, Colon, Comma, Data, Equals, Generated, LCurly, LParen, LSquare, Minus, Model,
  MultiplicativeOp, Name, NumberLit, Parameters, RCurly, RParen, RSquare, Semicolon, StringLit, Tilde,
} from './tokens.js';

/**
 * The grammar of Glimmer, and nothing else: one rule per construct and per precedence level, labels on
 * the parts the AST needs. It yields a concrete syntax tree (typed in cst_types.ts, generated);
 * to_ast.ts turns that into the AST. Recovery from errors lives in recovery.ts, the messages in
 * explain_failure.ts and syntax_errors.ts. The rendered grammar is grammar/glimmer.ebnf.
 */
export class GlimmerParser extends RecoveringParser {
  constructor(validate = false) {
    super(allTokens, validate);
    this.performSelfAnalysis();
  }

  parseProgram(tokens: IToken[], file: string): { cst: ProgramCstNode; problems: SyntaxProblem[]; extents: Extent[] } {
    this.input = tokens;
    this.startParse(file);
    const cst = this.program() as ProgramCstNode;
    return { cst, problems: this.problems, extents: this.extents };
  }

  program = this.RULE('program', () => {
    this.blocks(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.dataBlock) },
        { ALT: () => this.SUBRULE(this.parametersBlock) },
        { ALT: () => this.SUBRULE(this.modelBlock) },
        { ALT: () => this.SUBRULE(this.generatedBlock) },
      ]),
    );
  });

  dataBlock = this.RULE('dataBlock', () => {
    this.CONSUME(Data);
    this.OPTION(() => this.CONSUME(StringLit, { LABEL: 'path' }));
    this.CONSUME(LCurly);
    this.statements('data', () => this.SUBRULE(this.columnDecl));
    this.CONSUME(RCurly);
  });

  columnDecl = this.RULE('columnDecl', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.CONSUME(Colon);
    this.CONSUME2(Name, { LABEL: 'type' });
    this.OPTION(() => this.CONSUME(Semicolon));
  });

  parametersBlock = this.RULE('parametersBlock', () => {
    this.CONSUME(Parameters);
    this.CONSUME(LCurly);
    this.statements('parameters', () => this.SUBRULE(this.paramDecl));
    this.CONSUME(RCurly);
  });

  paramDecl = this.RULE('paramDecl', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    const has = { index: false, constraint: false, prior: false };
    this.OPTION(() => {
      this.CONSUME(LSquare);
      this.CONSUME2(Name, { LABEL: 'index' });
      // b[trt, ref = "B"]: treatment coding, one coefficient per level but the reference, whose is 0.
      this.OPTION5(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Name, { LABEL: 'option' });
        this.CONSUME(Equals);
        this.CONSUME(StringLit, { LABEL: 'reference' });
      });
      this.CONSUME(RSquare);
      has.index = true;
    });
    this.OPTION2(() => {
      this.CONSUME(Colon);
      this.SUBRULE(this.constraint);
      has.constraint = true;
    });
    this.OPTION3(() => {
      this.CONSUME(Tilde);
      this.SUBRULE(this.distCall, { LABEL: 'prior' });
      has.prior = true;
    });
    this.ACTION(() => this.endOfParameter(has));
    this.OPTION4(() => this.CONSUME(Semicolon));
  });

  constraint = this.RULE('constraint', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.SUBRULE(this.expr, { LABEL: 'args' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expr, { LABEL: 'args' });
      });
      this.CONSUME(RParen);
    });
  });

  modelBlock = this.RULE('modelBlock', () => {
    this.CONSUME(Model);
    this.CONSUME(LCurly);
    this.statements('model', () => this.SUBRULE(this.modelStmt));
    this.CONSUME(RCurly);
  });

  modelStmt = this.RULE('modelStmt', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Equals);
          this.SUBRULE(this.expr, { LABEL: 'value' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(Tilde);
          this.SUBRULE(this.distCall, { LABEL: 'dist' });
        },
      },
    ]);
    this.OPTION(() => this.CONSUME(Semicolon));
  });

  generatedBlock = this.RULE('generatedBlock', () => {
    this.CONSUME(Generated);
    this.CONSUME(LCurly);
    this.statements('generated', () => this.SUBRULE(this.generatedStmt));
    this.CONSUME(RCurly);
  });

  generatedStmt = this.RULE('generatedStmt', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.OPTION(() => {
      this.CONSUME(LSquare);
      this.CONSUME2(Name, { LABEL: 'index' });
      this.CONSUME(RSquare);
    });
    this.CONSUME(Equals);
    this.SUBRULE(this.expr, { LABEL: 'value' });
    this.OPTION2(() => this.CONSUME(Semicolon));
  });

  distCall = this.RULE('distCall', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.distArg, { LABEL: 'args' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.distArg, { LABEL: 'args' });
      });
    });
    this.CONSUME(RParen);
  });

  /** `log_rate = eta` or `eta`: two tokens of lookahead tell a named argument from an expression. */
  distArg = this.RULE('distArg', () => {
    this.OPTION(() => {
      this.CONSUME(Name, { LABEL: 'name' });
      this.CONSUME(Equals);
    });
    this.SUBRULE(this.expr, { LABEL: 'value' });
  });

  // Expressions: one rule per precedence level, loosest first; loops make '+', '-', '*', '/', ':'
  // left-associative. '|' and ':' follow R's formula precedence (lowest and highest); outside a
  // formula the checker rejects them.
  expr = this.RULE('expr', () => {
    this.SUBRULE(this.sum, { LABEL: 'operands' });
    this.OPTION(() => {
      this.CONSUME(BarOp, { LABEL: 'operators' });
      this.SUBRULE2(this.sum, { LABEL: 'operands' });
    });
  });

  sum = this.RULE('sum', () => {
    this.SUBRULE(this.term, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(AdditiveOp, { LABEL: 'operators' });
      this.SUBRULE2(this.term, { LABEL: 'operands' });
    });
  });

  term = this.RULE('term', () => {
    this.SUBRULE(this.interaction, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(MultiplicativeOp, { LABEL: 'operators' });
      this.SUBRULE2(this.interaction, { LABEL: 'operands' });
    });
  });

  interaction = this.RULE('interaction', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(Colon, { LABEL: 'operators' });
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Minus);
          this.SUBRULE(this.unary, { LABEL: 'operand' });
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  /** `x^2`, R's precedence: above unary minus (-x^2 is -(x^2)), right to left (2^3^2 is 2^9), a signed exponent allowed (x^-1). */
  power = this.RULE('power', () => {
    this.SUBRULE(this.primary, { LABEL: 'base' });
    this.OPTION(() => {
      this.CONSUME(Caret);
      this.SUBRULE(this.unary, { LABEL: 'exponent' });
    });
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.CONSUME(StringLit) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.expr, { LABEL: 'inner' });
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.reference) },
    ]);
  });

  /** A variable `eta`, an element `beta[cell_group]`, or a function call `log(total_count)`. */
  reference = this.RULE('reference', () => {
    this.CONSUME(Name, { LABEL: 'name' });
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(LSquare);
            this.SUBRULE(this.expr, { LABEL: 'index' });
            this.CONSUME(RSquare);
          },
        },
        {
          ALT: () => {
            this.CONSUME(LParen);
            // `ns(x, df = 3)`: an argument may be named, as in a distribution call.
            this.OPTION2(() => {
              this.SUBRULE2(this.distArg, { LABEL: 'args' });
              this.MANY(() => {
                this.CONSUME(Comma);
                this.SUBRULE3(this.distArg, { LABEL: 'args' });
              });
            });
            this.CONSUME(RParen);
          },
        },
      ]),
    );
  });

  /**
   * Checks beyond the grammar, after a parameter declaration. `sigma = 1` is a definition in the wrong
   * block. And `sigma positive ~ HalfNormal(1)` parses as two declarations (`sigma`, then `positive ~ ...`),
   * but a declaration without a prior followed by more on the same line is almost surely a missing ':'
   * or '~', so say so rather than accept it; unless it has a constraint and the next declaration follows.
   */
  private endOfParameter(has: { index: boolean; constraint: boolean; prior: boolean }): void {
    const [previous, next] = [this.LA(0), this.LA(1)];
    const sameLine = isReal(next) && next.startLine === previous.endLine;
    // After a constraint (`a: real  b: real`) a name followed by ':', '~' or '[' is the next declaration:
    // the missing-':' confusion above cannot arise.
    const after = this.LA(2);
    const nextDecl = has.constraint && tokenMatcher(next, Name) && (tokenMatcher(after, Colon) || tokenMatcher(after, Tilde) || tokenMatcher(after, LSquare));
    const runsOn = !has.prior && sameLine && !tokenMatcher(next, Semicolon) && !tokenMatcher(next, RCurly) && !nextDecl;
    if (!tokenMatcher(next, Equals) && next.image !== '<-' && !runsOn) return;
    const expected = [...(has.index || has.constraint ? [] : ['LSquare']), ...(has.constraint ? [] : ['Colon']), 'Tilde'];
    this.fail('paramDeclEnd', expected);
  }
}

/** The one parser instance: building it analyses the grammar, which is too slow to repeat per parse. */
export const glimmerParser = new GlimmerParser();
