import type { Expr } from '../../language/ast.js';
import type { Span } from '../../core/errors.js';

/** A product of variables (`x`, `a:b`, `a:x`); the empty product is the intercept. */
export interface FixedTerm {
  readonly vars: readonly string[];
  readonly span: Span;
}

/** `(1 + x | g)`, `(x || g)`, `(1 | a/b)`: terms that vary by the levels of each grouping. */
export interface RandomTerm {
  readonly intercept: boolean;
  readonly terms: readonly FixedTerm[];
  /** Each grouping is a product of factors: `a/b` gives [a] and [a, b]. */
  readonly groups: readonly (readonly string[])[];
  readonly correlated: boolean;
  readonly span: Span;
}

/**
 * A variable the formula makes from the data, named as R names its model-matrix column: `scale(x)`,
 * `I(x * z)`, `log(x)`, `poly(x, 2)1` (the first of poly's orthogonal columns), `relevel(trt, "B")`.
 */
export type DerivedVar =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'scale'; readonly source: string; readonly span: Span }
  | { readonly kind: 'poly'; readonly source: string; readonly degree: number; readonly column: number; readonly span: Span }
  | { readonly kind: 'relevel'; readonly source: string; readonly ref: string; readonly span: Span }
  /** bs(x, df) and ns(x, df): R's cubic B-spline and natural spline bases (splines.ts), column `column` of df. */
  | { readonly kind: 'spline'; readonly basis: 'bs' | 'ns'; readonly source: string; readonly df: number; readonly column: number; readonly span: Span };

/** An lme4 formula's right-hand side, with R's meaning of `0`, `1`, `-1`, `:`, `*`, `/`, `offset()`. */
export interface Formula {
  readonly intercept: boolean;
  readonly fixed: readonly FixedTerm[];
  readonly offsets: readonly Expr[];
  readonly random: readonly RandomTerm[];
  /** The variables made from the data by name, for the terms that use them. */
  readonly derived: ReadonlyMap<string, DerivedVar>;
}

export class FormulaError extends Error {
  constructor(message: string, readonly span: Span, readonly hint?: string) {
    super(message);
  }
}

type Signed = { sign: 1 | -1; expr: Expr };

function additive(e: Expr, sign: 1 | -1, out: Signed[]): Signed[] {
  if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
    additive(e.left, sign, out);
    additive(e.right, e.op === '+' ? sign : (-sign as 1 | -1), out);
  } else {
    out.push({ sign, expr: e });
  }
  return out;
}

/** The products a term expands to: `a*b` -> a, b, a:b; `a/b` -> a, a:b. */
function products(e: Expr, derived: Map<string, DerivedVar>): string[][] {
  if (e.kind === 'var') return [[e.name]];
  if (e.kind === 'call' && e.fn.name !== 'offset') return derivedVars(e, derived).map((v) => [v]);
  if (e.kind === 'binary' && e.op === ':') {
    const out: string[][] = [];
    // A variable crossed with itself is itself, as in R (x:x is x).
    for (const l of products(e.left, derived)) for (const r of products(e.right, derived)) out.push([...new Set([...l, ...r])]);
    return dedupe(out);
  }
  if (e.kind === 'binary' && e.op === '*') {
    const [l, r] = [products(e.left, derived), products(e.right, derived)];
    return dedupe([...l, ...r, ...l.flatMap((a) => r.map((b) => [...a, ...b]))]);
  }
  // Inside a term, as in R: (a + b):c is a:c + b:c, and (a + b + c)^2 every product of at most two of them.
  if (e.kind === 'binary' && e.op === '+') return dedupe([...products(e.left, derived), ...products(e.right, derived)]);
  if (e.kind === 'binary' && e.op === '^') {
    if (e.right.kind !== 'num' || !Number.isInteger(e.right.value) || e.right.value < 1) {
      throw new FormulaError(`'${describe(e)}': in a formula, ^ takes a whole number (the order of interactions)`, e.span, 'for the power of a covariate write I(x^2)');
    }
    const base = products(e.left, derived);
    let all = base;
    for (let k = 1; k < e.right.value; k++) all = dedupe([...all, ...all.flatMap((a) => base.map((b) => [...new Set([...a, ...b])]))]);
    return all;
  }
  if (e.kind === 'binary' && e.op === '/') {
    const [l, r] = [products(e.left, derived), products(e.right, derived)];
    const whole = [...new Set(l.flat())];
    return dedupe([...l, ...r.map((b) => [...whole, ...b])]);
  }
  throw new FormulaError(`'${describe(e)}' is not a formula term`, e.span,
    'terms are column names combined with + : * /, numbers 0 or 1, offset(...), I(...), scale(x), poly(x, k), ns(x, df), bs(x, df), relevel(f, "level") and (terms | group)');
}

/** The variables a call in a formula makes, named as R names their columns. */
function derivedVars(call: Extract<Expr, { kind: 'call' }>, derived: Map<string, DerivedVar>): string[] {
  const name = deparse(call);
  const e = positional(call);
  const one = (v: DerivedVar): string[] => {
    derived.set(name, v);
    return [name];
  };
  const column = (a: Expr | undefined, what: string): string => {
    if (a?.kind !== 'var') throw new FormulaError(`${e.fn.name}() takes ${what}`, (a ?? e).span, `e.g. ${e.fn.name}(x${e.fn.name === 'poly' ? ', 2' : e.fn.name === 'relevel' ? ', "B"' : ''})`);
    return a.name;
  };
  switch (e.fn.name) {
    case 'scale':
      if (e.args.length !== 1) throw new FormulaError('scale() takes one column', e.span, 'scale(x): x centred and divided by its sd, as R scales it');
      return one({ kind: 'scale', source: column(e.args[0], 'a numeric column'), span: e.span });
    case 'poly': {
      const degree = e.args[1];
      if (e.args.length !== 2 || degree.kind !== 'num' || !Number.isInteger(degree.value) || degree.value < 1) {
        throw new FormulaError('poly() takes a column and a degree, a whole number >= 1', e.span, "poly(x, 2): R's orthogonal polynomials of degree 1 and 2");
      }
      const source = column(e.args[0], 'a numeric column and a degree');
      return Array.from({ length: degree.value }, (_, j) => {
        const v = `${name}${j + 1}`;
        derived.set(v, { kind: 'poly', source, degree: degree.value, column: j, span: e.span });
        return v;
      });
    }
    case 'relevel': {
      const ref = e.args[1];
      if (e.args.length !== 2 || ref.kind !== 'str') throw new FormulaError('relevel() takes a factor and the level to make its reference', e.span, 'relevel(trt, "B")');
      return one({ kind: 'relevel', source: column(e.args[0], 'a factor and a level'), ref: ref.value, span: e.span });
    }
    case 'I':
      if (e.args.length !== 1) throw new FormulaError('I() takes one expression', e.span, 'I(x * x): the expression as a covariate');
      return one({ kind: 'expr', expr: e.args[0], span: e.span });
    case 'ns': case 'bs': {
      const df = e.args[1];
      const least = e.fn.name === 'bs' ? 3 : 1;
      if (e.args.length !== 2 || df.kind !== 'num' || !Number.isInteger(df.value) || df.value < least) {
        throw new FormulaError(`${e.fn.name}() takes a column and its degrees of freedom, a whole number >= ${least}`, e.span,
          `${e.fn.name}(x, df = 4): ${e.fn.name === 'bs' ? 'a cubic B-spline basis' : 'a natural cubic spline basis'} of 4 columns, knots at quantiles of x, as R's splines package`);
      }
      const source = column(e.args[0], 'a numeric column and its degrees of freedom');
      return Array.from({ length: df.value }, (_, j) => {
        const v = `${name}${j + 1}`;
        derived.set(v, { kind: 'spline', basis: e.fn.name as 'bs' | 'ns', source, df: df.value, column: j, span: e.span });
        return v;
      });
    }
    default:
      // log(x), sqrt(x), exp(x): a function of the data is a covariate named by its call, as in R.
      return one({ kind: 'expr', expr: e, span: e.span });
  }
}

/**
 * The call with its named arguments put where R's signature has them: `ns(x, df = 3)` is `ns(x, 3)`,
 * `poly(x, degree = 2)` is `poly(x, 2)`, `relevel(f, ref = "B")` is `relevel(f, "B")`. Another name is
 * an error that says which names the function takes.
 */
function positional(e: Extract<Expr, { kind: 'call' }>): Extract<Expr, { kind: 'call' }> {
  if (!e.argNames) return e;
  const second: Record<string, string> = { ns: 'df', bs: 'df', poly: 'degree', relevel: 'ref' };
  const args = e.args.map((a, j) => {
    const n = e.argNames![j];
    if (!n) return a;
    if (j === 1 && second[e.fn.name] === n.name) return a;
    if (n.name === 'x' && j === 0 && e.fn.name in second) return a;
    const takes = second[e.fn.name];
    throw new FormulaError(takes ? `${e.fn.name}() has no argument '${n.name}' here` : `${e.fn.name}() takes no named arguments`, n.span,
      takes ? `write ${e.fn.name}(x, ${takes} = ...)${e.fn.name === 'bs' || e.fn.name === 'ns' ? '; knots and Boundary.knots are not supported' : ''}` : undefined);
  });
  return { ...e, args };
}

/** Binding strength in R's deparse: parentheses go where a child binds more loosely than its place. */
const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, ':': 4, '^': 5 };

/** An expression as R's deparse() writes it, which is how R names a term's column: `I(x * z)`, `log(x/2)`, `poly(x, 2)`. */
export function deparse(e: Expr): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'str': return `"${e.value}"`;
    case 'var': return e.name;
    case 'index': return `${e.target.name}[${deparse(e.index)}]`;
    case 'call': return `${e.fn.name}(${e.args.map((a, j) => (e.argNames?.[j] ? `${e.argNames[j]!.name} = ${deparse(a)}` : deparse(a))).join(', ')})`;
    case 'neg': return `-${wrap(e.operand, 3, false)}`;
    case 'binary': {
      const p = PRECEDENCE[e.op] ?? 0;
      // R's deparse spaces + - * but not / : ^; ^ groups right to left.
      const op = e.op === '/' || e.op === ':' || e.op === '^' ? e.op : ` ${e.op} `;
      return e.op === '^' ? `${wrap(e.left, p, true)}${op}${wrap(e.right, p, false)}` : `${wrap(e.left, p, false)}${op}${wrap(e.right, p, true)}`;
    }
  }
}

function wrap(e: Expr, parent: number, right: boolean): string {
  const p = e.kind === 'binary' ? PRECEDENCE[e.op] ?? 0 : e.kind === 'neg' ? 3 : 9;
  return p < parent || (right && p === parent && e.kind === 'binary') ? `(${deparse(e)})` : deparse(e);
}

function dedupe(ps: string[][]): string[][] {
  const seen = new Set<string>();
  return ps.map((p) => [...new Set(p)]).filter((p) => {
    const k = [...p].sort().join(':');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function describe(e: Expr): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'str': return `"${e.value}"`;
    case 'var': return e.name;
    case 'call': return `${e.fn.name}(...)`;
    case 'index': return `${e.target.name}[...]`;
    case 'neg': return `-${describe(e.operand)}`;
    case 'binary': return `${describe(e.left)} ${e.op} ${describe(e.right)}`;
  }
}

/** Intercept flags and terms of a sum: `0 + x`, `1 + a*b`, `x - 1`. */
function sumOf(e: Expr, allowRandom: boolean, derived: Map<string, DerivedVar>): Formula {
  let intercept = true;
  const fixed: FixedTerm[] = [];
  const offsets: Expr[] = [];
  const random: RandomTerm[] = [];
  for (const { sign, expr } of additive(e, 1, [])) {
    if (expr.kind === 'num' && (expr.value === 0 || expr.value === 1)) {
      intercept = sign === 1 ? expr.value === 1 : expr.value === 0;
      continue;
    }
    if (sign === -1) throw new FormulaError(`removing '${describe(expr)}' is not supported`, expr.span, "only '- 1' (no intercept) can be subtracted");
    if (expr.kind === 'call' && expr.fn.name === 'offset') {
      if (expr.args.length !== 1) throw new FormulaError('offset() takes one expression', expr.span);
      offsets.push(expr.args[0]);
      continue;
    }
    if (expr.kind === 'binary' && (expr.op === '|' || expr.op === '||')) {
      if (!allowRandom) throw new FormulaError('random-effect terms cannot be nested', expr.span);
      random.push(randomTerm(expr, derived));
      continue;
    }
    for (const vars of products(expr, derived)) fixed.push({ vars, span: expr.span });
  }
  return { intercept, fixed, offsets, random, derived };
}

function randomTerm(e: Extract<Expr, { kind: 'binary' }>, derived: Map<string, DerivedVar>): RandomTerm {
  const lhs = sumOf(e.left, false, derived);
  if (lhs.offsets.length > 0) throw new FormulaError('offset() belongs outside the random-effect term', e.span);
  return { intercept: lhs.intercept, terms: lhs.fixed, groups: products(e.right, derived), correlated: e.op === '|', span: e.span };
}

/** Reads the formula of `y ~ family(formula)` from its expression tree (parentheses are already gone). */
export function readFormula(e: Expr): Formula {
  return sumOf(e, true, new Map());
}
