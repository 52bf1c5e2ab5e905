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

/** An lme4 formula's right-hand side, with R's meaning of `0`, `1`, `-1`, `:`, `*`, `/`, `offset()`. */
export interface Formula {
  readonly intercept: boolean;
  readonly fixed: readonly FixedTerm[];
  readonly offsets: readonly Expr[];
  readonly random: readonly RandomTerm[];
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
function products(e: Expr): string[][] {
  if (e.kind === 'var') return [[e.name]];
  if (e.kind === 'binary' && e.op === ':') {
    const out: string[][] = [];
    // A variable crossed with itself is itself, as in R (x:x is x).
    for (const l of products(e.left)) for (const r of products(e.right)) out.push([...new Set([...l, ...r])]);
    return dedupe(out);
  }
  if (e.kind === 'binary' && e.op === '*') {
    const [l, r] = [products(e.left), products(e.right)];
    return dedupe([...l, ...r, ...l.flatMap((a) => r.map((b) => [...a, ...b]))]);
  }
  if (e.kind === 'binary' && e.op === '/') {
    const [l, r] = [products(e.left), products(e.right)];
    const whole = [...new Set(l.flat())];
    return dedupe([...l, ...r.map((b) => [...whole, ...b])]);
  }
  throw new FormulaError(`'${describe(e)}' is not a formula term`, e.span,
    'terms are column names combined with + : * /, numbers 0 or 1, offset(...) and (terms | group)');
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
function sumOf(e: Expr, allowRandom: boolean): Formula {
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
      random.push(randomTerm(expr));
      continue;
    }
    for (const vars of products(expr)) fixed.push({ vars, span: expr.span });
  }
  return { intercept, fixed, offsets, random };
}

function randomTerm(e: Extract<Expr, { kind: 'binary' }>): RandomTerm {
  const lhs = sumOf(e.left, false);
  if (lhs.offsets.length > 0) throw new FormulaError('offset() belongs outside the random-effect term', e.span);
  return { intercept: lhs.intercept, terms: lhs.fixed, groups: products(e.right), correlated: e.op === '|', span: e.span };
}

/** Reads the formula of `y ~ family(formula)` from its expression tree (parentheses are already gone). */
export function readFormula(e: Expr): Formula {
  return sumOf(e, true);
}
