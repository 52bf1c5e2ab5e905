import type { CstNode, IToken } from 'chevrotain';
import type { Span } from '../core/errors.js';
import type {
  AssignStmt, BinaryOp, GeneratedStmt, ColumnDecl, Constraint, DataBlock, DistArg, DistCall, Expr, Ident, ModelStmt, ParamDecl, Program,
} from './ast.js';
import type {
  ColumnDeclCstNode, ConstraintCstNode, DataBlockCstNode, DistArgCstNode, DistCallCstNode, ExprCstNode,
  GeneratedStmtCstNode, ModelStmtCstNode, ParamDeclCstNode, PrimaryCstNode, ProgramCstNode, ReferenceCstNode,
  TermCstNode, UnaryCstNode, InteractionCstNode, SumCstNode, PowerCstNode,
} from './cst_types.js';
import { nameValue, stringValue } from './lexer.js';
import { spanOf, type Located } from './span.js';

/** Builds the AST from an error-free CST. Statement spans end at the statement's last part, not at its ';'. */
export function toAst(cst: ProgramCstNode, file: string, source: string): Program {
  return new AstBuilder(file).program(cst, source);
}

class AstBuilder {
  constructor(private readonly file: string) {}

  program(cst: ProgramCstNode, source: string): Program {
    const { dataBlock, parametersBlock, modelBlock, generatedBlock } = cst.children;
    const data = dataBlock?.[0];
    return {
      file: this.file,
      ...(data !== undefined && { data: this.dataBlock(data) }),
      parameters: (parametersBlock?.[0].children.paramDecl ?? []).map((d) => this.paramDecl(d)),
      model: (modelBlock?.[0].children.modelStmt ?? []).map((s) => this.modelStmt(s)),
      generated: (generatedBlock?.[0].children.generatedStmt ?? []).map((s) => this.generatedStmt(s)),
      span: { file: this.file, line: 1, col: 1, length: source.length },
    };
  }

  private dataBlock(node: DataBlockCstNode): DataBlock {
    const path = node.children.path?.[0];
    return {
      ...(path !== undefined && { path: { value: stringValue(path.image), span: this.span(path) } }),
      columns: (node.children.columnDecl ?? []).map((c) => this.columnDecl(c)),
      span: this.span(where(node)),
    };
  }

  private columnDecl(node: ColumnDeclCstNode): ColumnDecl {
    const { name, type } = node.children;
    return { name: this.ident(name[0]), type: this.ident(type[0]), span: this.span(name[0], type[0]) };
  }

  private paramDecl(node: ParamDeclCstNode): ParamDecl {
    const { name, index, option, reference, RSquare, constraint, prior } = node.children;
    const last = prior?.[0] ?? constraint?.[0] ?? RSquare?.[0] ?? name[0];
    return {
      name: this.ident(name[0]),
      ...(index !== undefined && { index: this.ident(index[0]) }),
      ...(option !== undefined && reference !== undefined
        && { reference: { option: this.ident(option[0]), level: stringValue(reference[0].image), span: this.span(reference[0]) } }),
      ...(constraint !== undefined && { constraint: this.constraint(constraint[0]) }),
      ...(prior !== undefined && { prior: this.distCall(prior[0]) }),
      span: this.span(name[0], 'image' in last ? last : where(last)),
    };
  }

  private constraint(node: ConstraintCstNode): Constraint {
    const { name, args } = node.children;
    return { name: this.ident(name[0]), args: (args ?? []).map((a) => this.expr(a)), span: this.span(where(node)) };
  }

  private modelStmt(node: ModelStmtCstNode): ModelStmt {
    const { name, value, dist } = node.children;
    if (dist !== undefined) {
      return { kind: 'sample', target: this.ident(name[0]), dist: this.distCall(dist[0]), span: this.span(name[0], where(dist[0])) };
    }
    return this.assign(name[0], (value as ExprCstNode[])[0]);
  }

  private generatedStmt(node: GeneratedStmtCstNode): GeneratedStmt {
    const { name, index, value } = node.children;
    const assign = this.assign(name[0], value[0]);
    return index === undefined ? assign : { ...assign, index: this.ident(index[0]) };
  }

  private assign(name: IToken, value: ExprCstNode): AssignStmt {
    return { kind: 'assign', name: this.ident(name), value: this.expr(value), span: this.span(name, where(value)) };
  }

  private distCall(node: DistCallCstNode): DistCall {
    const { name, args } = node.children;
    return { name: this.ident(name[0]), args: (args ?? []).map((a) => this.distArg(a)), span: this.span(where(node)) };
  }

  private distArg(node: DistArgCstNode): DistArg {
    const { name, value } = node.children;
    return { ...(name !== undefined && { name: this.ident(name[0]) }), value: this.expr(value[0]), span: this.span(where(node)) };
  }

  private expr(node: ExprCstNode): Expr {
    return this.leftFold(node.children.operands, node.children.operators, (t) => this.sum(t));
  }

  private sum(node: SumCstNode): Expr {
    return this.leftFold(node.children.operands, node.children.operators, (t) => this.term(t));
  }

  private term(node: TermCstNode): Expr {
    return this.leftFold(node.children.operands, node.children.operators, (u) => this.interaction(u));
  }

  private interaction(node: InteractionCstNode): Expr {
    return this.leftFold(node.children.operands, node.children.operators, (u) => this.unary(u));
  }

  /** `a - b - c` is `(a - b) - c`; each binary node spans from the first operand to its right operand. */
  private leftFold<T extends CstNode>(operands: T[], operators: IToken[] = [], build: (operand: T) => Expr): Expr {
    let result = build(operands[0]);
    operators.forEach((op, i) => {
      const right = operands[i + 1];
      const span = this.span(where(operands[0]), where(right));
      result = { kind: 'binary', op: op.image as BinaryOp, left: result, right: build(right), span };
    });
    return result;
  }

  private unary(node: UnaryCstNode): Expr {
    const { operand, power } = node.children;
    if (operand !== undefined) return { kind: 'neg', operand: this.unary(operand[0]), span: this.span(where(node)) };
    return this.power((power as PowerCstNode[])[0]);
  }

  private power(node: PowerCstNode): Expr {
    const { base, exponent } = node.children;
    const left = this.primary(base[0]);
    if (exponent === undefined) return left;
    return { kind: 'binary', op: '^', left, right: this.unary(exponent[0]), span: this.span(where(node)) };
  }

  private primary(node: PrimaryCstNode): Expr {
    const { NumberLit, StringLit, inner, reference } = node.children;
    if (NumberLit !== undefined) return { kind: 'num', value: Number(NumberLit[0].image), span: this.span(NumberLit[0]) };
    if (StringLit !== undefined) return { kind: 'str', value: stringValue(StringLit[0].image), span: this.span(StringLit[0]) };
    // A parenthesised expression keeps its own span; the operators around it span the parentheses.
    if (inner !== undefined) return this.expr(inner[0]);
    return this.reference((reference as ReferenceCstNode[])[0]);
  }

  private reference(node: ReferenceCstNode): Expr {
    const { name, index, LParen, args } = node.children;
    const span = this.span(where(node));
    if (index !== undefined) return { kind: 'index', target: this.ident(name[0]), index: this.expr(index[0]), span };
    if (LParen !== undefined) {
      const all = (args ?? []).map((a) => this.distArg(a));
      const argNames = all.some((a) => a.name) ? { argNames: all.map((a) => a.name) } : {};
      return { kind: 'call', fn: this.ident(name[0]), args: all.map((a) => a.value), ...argNames, span };
    }
    return { kind: 'var', name: nameValue(name[0].image), span };
  }

  private ident(token: IToken): Ident {
    return { name: nameValue(token.image), span: this.span(token) };
  }

  private span(first: Located, last: Located = first): Span {
    return spanOf(this.file, first, last);
  }
}

/** Node locations are always present: the parser tracks them ("full"). */
function where(node: CstNode): Located {
  if (node.location === undefined) throw new Error(`to_ast: no location on a '${node.name}' node`);
  return node.location;
}
