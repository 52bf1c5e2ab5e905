import type { Expr } from '../language/ast.js';
import { suggest } from '../language/suggest.js';
import { FUNCTIONS, isRowwise, type BinaryOp, type Fn, type IrExpr, type IrParam } from './ir.js';
import { report, type Context, type Scope } from './scope.js';

const didYouMean = (word: string, candidates: readonly string[]): string | undefined => {
  const s = suggest(word, candidates);
  return s === undefined ? undefined : `did you mean '${s}'?`;
};

/** Every name an expression in this context could mean, for "did you mean". */
function knownNames(scope: Scope): string[] {
  return [...scope.locals.keys(), ...scope.params.map((p) => p.name), ...scope.columns.keys()];
}

/**
 * Limits on a lowered expression. Definitions are inlined where they are used, so a chain of them
 * (`b = a + a`, `c = b + b`, ...) can make an expression far deeper or larger than any line of the
 * file: the emitters recurse over it (the stack) and walk it as a tree (time doubling per link).
 * The parser's limits are in language/limits.ts.
 */
export const MAX_IR_DEPTH = 1000;
export const MAX_IR_SIZE = 100_000;

/**
 * Resolves names, inlines local definitions and checks shapes: data appears only in the model
 * block, vectors appear only indexed, string labels only as indexes. Returns null after reporting.
 */
export function lowerExpr(e: Expr, scope: Scope, ctx: Context): IrExpr | null {
  const ir = lowerNode(e, scope, ctx);
  if (ir === null) return null;
  const { depth, size } = measure(ir);
  const hint = 'definitions are copied into every expression that uses them: simplify them';
  if (depth > MAX_IR_DEPTH) {
    return report(scope, 'E214', `expression nested more than ${MAX_IR_DEPTH} operations deep once definitions are inlined`, e.span, hint);
  }
  if (size > MAX_IR_SIZE) {
    return report(scope, 'E214', `expression of more than ${MAX_IR_SIZE} operations once definitions are inlined`, e.span, hint);
  }
  return ir;
}

/** Depth and tree size of every expression measured so far: inlined definitions are shared nodes. */
const measured = new WeakMap<IrExpr, { depth: number; size: number }>();

const children = (e: IrExpr): IrExpr[] => (e.op === 'bin' ? [e.a, e.b] : e.op === 'neg' || e.op === 'call' ? [e.arg] : []);

/** Depth and size (as a tree) of `root`, without recursion, each shared node visited once. */
function measure(root: IrExpr): { depth: number; size: number } {
  const stack: IrExpr[] = [root];
  while (stack.length > 0) {
    const e = stack[stack.length - 1];
    if (measured.has(e)) {
      stack.pop();
      continue;
    }
    const pending = children(e).filter((c) => !measured.has(c));
    if (pending.length > 0) {
      stack.push(...pending);
      continue;
    }
    stack.pop();
    const parts = children(e).map((c) => measured.get(c)!);
    measured.set(e, { depth: 1 + Math.max(0, ...parts.map((p) => p.depth)), size: 1 + parts.reduce((n, p) => n + p.size, 0) });
  }
  return measured.get(root)!;
}

function lowerNode(e: Expr, scope: Scope, ctx: Context): IrExpr | null {
  switch (e.kind) {
    case 'num':
      return { op: 'const', value: e.value };
    case 'str':
      return report(scope, 'E205', `a string can only be a factor level inside brackets`, e.span, `e.g. beta["${e.value}"]`);
    case 'var':
      return lowerName(e.name, e.span, scope, ctx);
    case 'index':
      return lowerIndex(e, scope, ctx);
    case 'neg': {
      const arg = lowerNode(e.operand, scope, ctx);
      if (!arg) return null;
      return arg.op === 'const' ? { op: 'const', value: -arg.value } : { op: 'neg', arg };
    }
    case 'binary': {
      if (e.op === '==') return lowerIndicator(e, scope, ctx);
      if (e.op === ':' || e.op === '|' || e.op === '||') {
        return report(scope, 'E205', `'${e.op}' only has a meaning inside a formula`, e.span,
          "formulas are written as a family's argument, e.g. y ~ poisson(0 + g + (1 | h))");
      }
      const a = lowerNode(e.left, scope, ctx);
      const b = lowerNode(e.right, scope, ctx);
      if (!a || !b) return null;
      if (a.op === 'const' && b.op === 'const') return { op: 'const', value: fold(e.op, a.value, b.value) };
      if (e.op === '^') return power(a, b);
      return { op: 'bin', o: e.op as BinaryOp, a, b };
    }
    case 'call': {
      const fn = e.fn.name;
      if (!(FUNCTIONS as readonly string[]).includes(fn)) {
        return report(scope, 'E202', `unknown function '${fn}'`, e.fn.span, didYouMean(fn, FUNCTIONS) ?? `functions: ${FUNCTIONS.join(', ')}`);
      }
      if (e.args.length !== 1) {
        return report(scope, 'E202', `'${fn}' takes 1 argument, got ${e.args.length}`, e.span);
      }
      const named = e.argNames?.find((n) => n !== undefined);
      if (named) return report(scope, 'E204', `'${fn}' takes no named arguments`, named.span, `write ${fn}(...)`);
      const arg = lowerNode(e.args[0], scope, ctx);
      if (!arg) return null;
      if (arg.op === 'const') return { op: 'const', value: applyFn(fn as Fn, arg.value) };
      return { op: 'call', fn: fn as Fn, arg };
    }
  }
}

function fold(op: string, a: number, b: number): number {
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '^' ? a ** b : a / b;
}

/** Whole exponents up to this are written out as products (exact, and defined for a negative base). */
const MAX_PRODUCT_POWER = 16;

/**
 * a^b in the IR's operations: a whole exponent as a product of a's (1 / that for a negative one), any
 * other as exp(b log(a)), defined where a > 0 as R's is for a fractional power.
 */
function power(a: IrExpr, b: IrExpr): IrExpr {
  if (b.op === 'const' && Number.isInteger(b.value) && Math.abs(b.value) <= MAX_PRODUCT_POWER) {
    if (b.value === 0) return { op: 'const', value: 1 };
    let p = a;
    for (let k = 1; k < Math.abs(b.value); k++) p = { op: 'bin', o: '*', a: p, b: a };
    return b.value > 0 ? p : { op: 'bin', o: '/', a: { op: 'const', value: 1 }, b: p };
  }
  if (b.op === 'const' && b.value === 0.5) return { op: 'call', fn: 'sqrt', arg: a };
  return { op: 'call', fn: 'exp', arg: { op: 'bin', o: '*', a: b, b: { op: 'call', fn: 'log', arg: a } } };
}

export function applyFn(fn: Fn, x: number): number {
  switch (fn) {
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'log1p':
      return Math.log1p(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'inv_logit':
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
}

function lowerName(name: string, span: Expr['span'], scope: Scope, ctx: Context): IrExpr | null {
  if (scope.failed.has(name)) return null;
  const local = scope.locals.get(name);
  if (local) return local;
  const vector = scope.vectors?.get(name);
  if (vector) {
    const first = vector.elements.keys().next().value ?? '1';
    return report(scope, 'E205', `'${name}' has one value per ${vector.over ? `level of '${vector.over}'` : 'row'}; address one by its label`, span, `e.g. ${name}["${first}"]`);
  }
  const p = scope.paramIndex.get(name);
  if (p !== undefined) {
    const param = scope.params[p];
    if (param.factor !== undefined) {
      return report(scope, 'E205', `'${name}' is a vector over '${factorOf(param)}'; index it`, span,
        `write ${name}[${factorOf(param)}] for one value per row, or ${name}["${param.levels?.[0] ?? 'level'}"] for one level`);
    }
    return { op: 'param', param: p };
  }
  const col = scope.columns.get(name);
  if (col) {
    if (col.kind === 'factor') {
      return report(scope, 'E205', `'${name}' is a factor; it can only index a parameter`, span, `e.g. beta[${name}]`);
    }
    if (ctx === 'prior' || ctx === 'contrast') return dataRefused(scope, name, span, ctx);
    return { op: 'data', column: name };
  }
  return report(scope, 'E201', `unknown name '${name}'`, span, didYouMean(name, knownNames(scope)));
}

/** A data column where only parameters and numbers may be: a prior's argument, or a contrast. */
function dataRefused(scope: Scope, name: string, span: Expr['span'], ctx: 'prior' | 'contrast'): null {
  return report(scope, 'E205', `data column '${name}' cannot be used in ${ctx === 'prior' ? 'a prior' : 'a contrast'}`, span,
    ctx === 'prior' ? 'priors take numbers and parameters' : 'a contrast is one number, a function of the parameters; a quantity over the data goes in the generated block');
}

/**
 * `period == "2"` (a factor and one of its levels) or `dose == 0` (a numeric column and a number): a data
 * column, 1 where the row matches and 0 elsewhere, for indicators and treatment dummies in block form.
 */
function lowerIndicator(e: Extract<Expr, { kind: 'binary' }>, scope: Scope, ctx: Context): IrExpr | null {
  const { left, right } = e;
  const col = left.kind === 'var' ? scope.columns.get(left.name) : undefined;
  if (!col || (right.kind !== 'str' && right.kind !== 'num')) {
    return report(scope, 'E205', "'==' compares a data column with a value", e.span, 'e.g. (period == "2") for a factor\'s level, (dose == 0) for a number');
  }
  if (ctx === 'prior' || ctx === 'contrast') return dataRefused(scope, col.name, left.span, ctx);
  let values: Float64Array;
  if (col.kind === 'factor') {
    if (right.kind !== 'str') return report(scope, 'E205', `'${col.name}' is a factor: compare it with a level, a string`, right.span, `e.g. ${col.name} == "${col.levels[0]}"`);
    const level = col.levels.indexOf(right.value);
    if (level < 0) return report(scope, 'E201', `'${right.value}' is not a level of '${col.name}'`, right.span, didYouMean(right.value, col.levels) ?? `levels: ${col.levels.slice(0, 8).join(', ')}`);
    values = Float64Array.from(col.codes, (c) => (c === level ? 1 : 0));
  } else {
    if (right.kind !== 'num') return report(scope, 'E205', `'${col.name}' is numeric: compare it with a number`, right.span);
    values = Float64Array.from(col.values, (v) => (v === right.value ? 1 : 0));
  }
  const name = `${col.name} == ${right.kind === 'str' ? JSON.stringify(right.value) : right.value}`;
  if (!scope.columns.has(name)) scope.columns.set(name, { kind: 'numeric', name, type: 'binary', values });
  return { op: 'data', column: name };
}

function lowerIndex(e: Extract<Expr, { kind: 'index' }>, scope: Scope, ctx: Context): IrExpr | null {
  const name = e.target.name;
  if (scope.failed.has(name)) return null;
  const vector = scope.vectors?.get(name);
  if (vector) {
    const label = e.index.kind === 'str' ? e.index.value : undefined;
    const element = label === undefined ? undefined : vector.elements.get(label);
    if (element) return element;
    const labels = [...vector.elements.keys()];
    const close = label === undefined || !vector.over ? undefined : suggest(label, labels);
    return report(scope, 'E206', label === undefined ? `index '${name}' by one ${vector.over ? `level of '${vector.over}'` : 'row number'}, a string`
      : `'${label}' is not ${vector.over ? `a level of '${vector.over}'` : `a row of '${name}' (rows 1 to ${labels.length})`}`, e.index.span,
    close !== undefined ? `did you mean "${close}"?` : `e.g. ${name}["${labels[0]}"]`);
  }
  const p = scope.paramIndex.get(name);
  if (p === undefined || scope.params[p].factor === undefined) {
    if (p !== undefined) return report(scope, 'E205', `'${name}' is a scalar parameter and cannot be indexed`, e.span, `write ${name}`);
    if (scope.columns.has(name)) return report(scope, 'E205', `data column '${name}' cannot be indexed`, e.span);
    return report(scope, 'E201', `unknown parameter '${name}'`, e.target.span, didYouMean(name, scope.params.map((q) => q.name)));
  }
  const param = scope.params[p];
  const idx = e.index;
  // A reference level's coefficient is 0 (`b[trt, ref = "B"]`).
  if (idx.kind === 'str' && param.reference && idx.value === param.reference.level) return { op: 'const', value: 0 };
  if (idx.kind === 'str') {
    const levels = param.levels ?? [];
    const level = levels.indexOf(idx.value);
    if (level < 0) {
      const close = suggest(idx.value, levels);
      return report(scope, 'E206', `'${idx.value}' is not a level of '${factorOf(param)}'`, idx.span,
        close !== undefined ? `did you mean "${close}"?` : `levels: ${levels.slice(0, 8).map((l) => `"${l}"`).join(', ')}${levels.length > 8 ? ', ...' : ''}`);
    }
    return { op: 'level', param: p, label: idx.value, level, span: idx.span };
  }
  if (idx.kind === 'var' && (idx.name === param.factor || idx.name === param.reference?.factor)) {
    if (ctx === 'prior' || ctx === 'contrast') {
      return report(scope, 'E205', `'${name}[${idx.name}]' has one value per data row; it cannot appear in ${ctx === 'prior' ? 'a prior' : 'a contrast'}`, e.span,
        ctx === 'contrast' ? `address one level by its label, e.g. ${name}["${param.levels?.[0] ?? 'level'}"]` : undefined);
    }
    return { op: 'gather', param: p, factor: param.factor! };
  }
  if (idx.kind === 'var' && scope.columns.get(idx.name)?.kind === 'factor') {
    return report(scope, 'E205', `'${name}' is declared over '${factorOf(param)}', not '${idx.name}'`, idx.span, `write ${name}[${factorOf(param)}]`);
  }
  return report(scope, 'E205', `index '${name}' by its factor or by a level label`, idx.span,
    `write ${name}[${factorOf(param)}] or ${name}["${param.levels?.[0] ?? 'level'}"]`);
}

/** The factor a vector parameter is written over: the user's, for a treatment-coded one (`b[trt, ref = "B"]`). */
function factorOf(param: IrParam): string | undefined {
  return param.reference?.factor ?? param.factor;
}

/** True for data-only row expressions worth computing once on the host (`log(total_count)`). */
export function isHostComputable(e: IrExpr): boolean {
  switch (e.op) {
    case 'const':
    case 'data':
      return true;
    case 'param':
    case 'level':
    case 'gather':
      return false;
    case 'neg':
    case 'call':
      return isHostComputable(e.arg);
    case 'bin':
      return isHostComputable(e.a) && isHostComputable(e.b);
  }
}

export { isRowwise };
