import { GlimmerError, type Diagnostic } from '../core/errors.js';
import type { Expr } from '../language/ast.js';
import { parseExpression } from '../language/parse_expression.js';
import type { Column } from '../data/table.js';
import { evalExpr } from './eval_f64.js';
import type { IrExpr, IrParam, ModelIR } from './ir.js';
import { splitValues } from './layout.js';
import { lowerExpr } from './lower_expr.js';
import type { Scope } from './scope.js';
import type { VectorQuantity } from './generated_vectors.js';

/** A contrast (any scalar function of the parameters), checked against a model: its text is its name. */
export interface Contrast {
  readonly name: string;
  readonly expr: IrExpr;
}

/** The pseudo-file a contrast's errors point into: `--contrast`, or `--contrast#2` when there are several. */
export function contrastFileName(i: number, n: number): string {
  return n === 1 ? '--contrast' : `--contrast#${i + 1}`;
}

const PLAIN_NAME = /^(?:[A-Za-z_][A-Za-z0-9_.]*|`[^`]+`)$/;

/**
 * On the command line a level is written bare, `beta[T : R : diseased]`, and a label may not even lex
 * (`B cells : R`). Every bracket whose content is neither a string nor a single name (a factor, or a
 * one-word level, decided once the target is known) gets a string of the same length in its place, so
 * the parser sees `beta["xxxxxxxxxxxxxx"]` at the same columns; `labels` maps its column back to the label.
 */
export function quoteBareLevels(text: string): { text: string; labels: Map<number, string> } {
  const labels = new Map<number, string>();
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      const close = text.slice(i + 1).search(/(?<!\\)"/);
      const end = close < 0 ? text.length : i + close + 2;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const close = ch === '[' ? text.indexOf(']', i + 1) : -1;
    if (close < 0) {
      out += ch;
      i++;
      continue;
    }
    const inner = text.slice(i + 1, close);
    const label = inner.trim();
    const lead = inner.length - inner.trimStart().length;
    if (label.length < 2 || label.startsWith('"') || PLAIN_NAME.test(label)) {
      out += text.slice(i, close + 1);
    } else {
      labels.set(i + 1 + lead + 1, label);
      out += '[' + inner.slice(0, lead) + `"${'x'.repeat(label.length - 2)}"` + inner.slice(lead + label.length) + ']';
    }
    i = close + 1;
  }
  return { text: out, labels };
}

const NAME_CHAR = /[A-Za-z0-9_.]/;

/**
 * The names the summary table prints (`cell_groupT : R : diseased`, `(Intercept)`, `period2`,
 * `sd[herd, (Intercept)]`) rewritten to the parameters they show (`b_cell_group["T : R : diseased"]`,
 * `b_Intercept`, ...), so that a contrast can be written with either. Longest names first, whole names
 * only, never inside a string or a bracket.
 */
export function tableNames(text: string, ir: ModelIR): string {
  const names: [string, string][] = [];
  for (const p of ir.params) {
    p.elementNames?.forEach((shown, i) => {
      const canonical = p.size === 1 ? p.name : p.levels ? `${p.name}["${p.levels[i].replace(/["\\]/g, '\\$&')}"]` : undefined;
      if (canonical && shown !== p.name && shown !== canonical) names.push([shown, canonical]);
    });
  }
  if (names.length === 0) return text;
  names.sort((a, b) => b[0].length - a[0].length);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const before = i > 0 ? text[i - 1] : ' ';
    const hit = NAME_CHAR.test(before) ? undefined
      : names.find(([shown]) => text.startsWith(shown, i) && !(NAME_CHAR.test(shown[shown.length - 1]) && NAME_CHAR.test(text[i + shown.length] ?? ' ')));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
      continue;
    }
    const ch = text[i];
    const close = ch === '"' ? text.indexOf('"', i + 1) : ch === '[' ? text.indexOf(']', i + 1) : -1;
    const end = close < 0 ? i + 1 : close + 1;
    out += text.slice(i, end);
    i = end;
  }
  return out;
}

/** Indexes that name a level rather than the parameter's factor become string labels. */
function bareLevels(e: Expr, ir: ModelIR, text: string, labels: ReadonlyMap<number, string>): Expr {
  switch (e.kind) {
    case 'index': {
      const idx = e.index;
      const factor = ir.params.find((p) => p.name === e.target.name)?.factor;
      const source = text.slice(idx.span.col - 1, idx.span.col - 1 + idx.span.length);
      const label = idx.kind === 'str' ? labels.get(idx.span.col)
        : idx.kind === 'num' ? source
        : idx.kind === 'var' && idx.name !== factor ? idx.name
        : undefined;
      return label === undefined ? e : { ...e, index: { kind: 'str', value: label, span: idx.span } };
    }
    case 'neg':
      return { ...e, operand: bareLevels(e.operand, ir, text, labels) };
    case 'binary':
      return { ...e, left: bareLevels(e.left, ir, text, labels), right: bareLevels(e.right, ir, text, labels) };
    case 'call':
      return { ...e, args: e.args.map((a) => bareLevels(a, ir, text, labels)) };
    default:
      return e;
  }
}

/** What a generated-block expression may refer to: parameters, earlier generated quantities, and (for messages) the data columns. */
function generatedScope(ir: ModelIR, file: string): Scope {
  const columns = new Map<string, Column>();
  for (const [name, values] of ir.data.numeric) columns.set(name, { kind: 'numeric', name, type: 'real', values });
  for (const [name, f] of ir.data.factors) columns.set(name, { kind: 'factor', name, levels: [...f.levels], codes: f.codes });
  return {
    file, columns, params: ir.params as IrParam[], paramIndex: new Map(ir.params.map((p, i) => [p.name, i])),
    locals: new Map(ir.generated.map((g) => [g.name, g.expr])), vectors: generatedVectors(ir), failed: new Set(), diagnostics: [],
  };
}

/** The model's generated quantities with one value per row or level (`fitted[1990]`, ...), by their written name. */
function generatedVectors(ir: ModelIR): Map<string, VectorQuantity> {
  const out = new Map<string, { over?: string; elements: Map<string, IrExpr> }>();
  for (const g of ir.generated) {
    if (!g.vector) continue;
    const label = g.name.slice(g.vector.name.length + 1, -1);
    let v = out.get(g.vector.name);
    if (!v) out.set(g.vector.name, (v = { ...(g.vector.over ? { over: g.vector.over } : {}), elements: new Map() }));
    v.elements.set(label, g.expr);
  }
  return out;
}

/**
 * Checks contrast texts against a model as generated-block expressions (`beta["T : R : diseased"] -
 * beta["T : R : healthy"]`, or with bare labels). Every problem in every text is reported at once, each
 * located in its own pseudo-file (contrastFileName).
 */
/**
 * The reference level of a treatment-coded factor written as the table would name it (`period1`, with
 * `period2` .. `period4` in the table): it has no parameter, its effect is 0 by construction.
 */
function referenceLevels(text: string, ir: ModelIR, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of ir.params) {
    const base = p.factor?.endsWith('|c') ? p.factor.slice(0, -2) : undefined;
    const levels = base ? ir.data.factors.get(base)?.levels : undefined;
    if (!base || !levels || !p.levels || p.elementNames?.[0] !== `${base}${p.levels[0]}`) continue;
    for (const ref of levels.filter((l) => !p.levels!.includes(l))) {
      const shown = `${base}${ref}`;
      const at = new RegExp(`(?<![A-Za-z0-9_.])${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_.])`).exec(text);
      if (!at) continue;
      out.push({
        code: 'E201', message: `'${shown}' is the reference level of '${base}': it has no parameter (its effect is 0 in treatment contrasts)`,
        span: { file, line: 1, col: at.index + 1, length: shown.length },
        hint: `the table's '${base}${p.levels[0]}' is already '${base}' ${p.levels[0]} against ${ref}: write it alone, or the difference of two non-reference levels`,
      });
    }
  }
  return out;
}

export function compileContrasts(texts: readonly string[], ir: ModelIR): Contrast[] {
  const diagnostics: Diagnostic[] = [];
  const out: Contrast[] = [];
  texts.forEach((text, i) => {
    const file = contrastFileName(i, texts.length);
    const references = referenceLevels(text, ir, file);
    if (references.length > 0) {
      diagnostics.push(...references);
      return;
    }
    const quoted = quoteBareLevels(tableNames(text, ir));
    const parsed = parseExpression(quoted.text, file);
    if (!parsed.expr) {
      diagnostics.push(...parsed.diagnostics);
      return;
    }
    const scope = generatedScope(ir, file);
    const expr = lowerExpr(bareLevels(parsed.expr, ir, quoted.text, quoted.labels), scope, 'contrast');
    diagnostics.push(...scope.diagnostics);
    if (expr) out.push({ name: text.trim(), expr });
  });
  if (diagnostics.length > 0) throw new GlimmerError(diagnostics);
  return out;
}

/** A contrast's value at one draw of the constrained parameters (the first `ir.dim` entries of `values`). */
export function evalContrast(c: Contrast, ir: ModelIR, values: Float64Array): number {
  return evalExpr(c.expr, splitValues(ir, values.subarray(0, ir.dim)), ir.data) as number;
}
