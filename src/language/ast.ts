import type { Span } from '../core/errors.js';

/**
 * The syntax tree of a .glmm file. Every node keeps its source span so that every later
 * check (names, types, data) can point at the text the user wrote.
 */

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

/** ':' (interaction), '|' and '||' (random-effect bars) only have a meaning inside a formula. */
export type BinaryOp = '+' | '-' | '*' | '/' | '^' | ':' | '|' | '||' | '==';

export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly span: Span }
  | { readonly kind: 'str'; readonly value: string; readonly span: Span }
  | { readonly kind: 'var'; readonly name: string; readonly span: Span }
  /** `beta[cell_group]` (index is a var) or `beta["T : R : diseased"]` (index is a str). */
  | { readonly kind: 'index'; readonly target: Ident; readonly index: Expr; readonly span: Span }
  | { readonly kind: 'neg'; readonly operand: Expr; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly span: Span }
  /** `argNames`, only where an argument is named (`ns(x, df = 3)`): each argument's name, or undefined. */
  | { readonly kind: 'call'; readonly fn: Ident; readonly args: readonly Expr[]; readonly argNames?: readonly (Ident | undefined)[]; readonly span: Span };

/** One argument of a distribution: positional (`0`) or named (`log_rate = eta`). */
export interface DistArg {
  readonly name?: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface DistCall {
  readonly name: Ident;
  readonly args: readonly DistArg[];
  readonly span: Span;
}

/** `positive`, `lower(0)`, `upper(1)`, `bounded(0, 1)`: checked by name later for "did you mean". */
export interface Constraint {
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly span: Span;
}

export interface ColumnDecl {
  readonly name: Ident;
  /** count | int | real | positive | binary | factor: checked later. */
  readonly type: Ident;
  readonly span: Span;
}

export interface DataBlock {
  /** Path relative to the model file; absent when the data comes only from --data. */
  readonly path?: { readonly value: string; readonly span: Span };
  readonly columns: readonly ColumnDecl[];
  readonly span: Span;
}

/** `sigma: positive ~ HalfNormal(1)`, `beta[cell_group] ~ Normal(0, 10)`, `x: bounded(0, 1)` (flat). */
export interface ParamDecl {
  readonly name: Ident;
  readonly index?: Ident;
  /** `b[trt, ref = "B"]`: the option's name as written (only `ref` is known) and the reference level. */
  readonly reference?: { readonly option: Ident; readonly level: string; readonly span: Span };
  readonly constraint?: Constraint;
  readonly prior?: DistCall;
  readonly span: Span;
}

/** `eta = beta[g] + u[p]` in model (a local definition) or generated (a derived quantity). */
export interface AssignStmt {
  readonly kind: 'assign';
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

/**
 * A generated quantity: `lfc = beta["A"] - beta["B"]` (one value), `fitted[year] = exp(a + b * t)` (one
 * per level of a factor) or `mu = exp(eta)` (reading the data without an index: one per row).
 */
export interface GeneratedStmt extends AssignStmt {
  readonly index?: Ident;
}

/** `ZEB2 ~ Poisson(...)` (a likelihood) or `u ~ Normal(0, s)` (an extra prior term, as in Stan). */
export interface SampleStmt {
  readonly kind: 'sample';
  readonly target: Ident;
  readonly dist: DistCall;
  readonly span: Span;
}

export type ModelStmt = AssignStmt | SampleStmt;

export interface Program {
  readonly file: string;
  readonly data?: DataBlock;
  readonly parameters: readonly ParamDecl[];
  readonly model: readonly ModelStmt[];
  readonly generated: readonly GeneratedStmt[];
  readonly span: Span;
}
