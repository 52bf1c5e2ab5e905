import type { Span } from '../core/errors.js';
import type { FactorColumn } from '../data/table.js';
import type { GeneratedStmt } from '../language/ast.js';
import { suggest } from '../language/suggest.js';
import { isRowwise, type IrExpr, type IrGenerated } from './ir.js';
import { report, type Scope } from './scope.js';

/**
 * Generated quantities over the data. A quantity that reads data columns (or a parameter indexed by its
 * factor) has one value per row: `mu = exp(a + b * x)`, named mu[1], mu[2], ... by data row. Indexed by a
 * factor, it has one per level: `fitted[year] = exp(a + b * year_mid + u[year])`, named fitted[1990], ...,
 * every column it reads constant within each level. Either becomes one scalar quantity per element (the
 * row's or level's values put in for the data), so that summaries, contrasts and the delta method of
 * --ml treat them as any other.
 */

/** The most elements one quantity may have: each is a column of the draws (2,000 x 4,000 draws is 64 MB). */
export const MAX_ELEMENTS = 2000;

/** A quantity with one value per row or per level, by element label: what a later quantity may read (`fitted["1990"]`). */
export interface VectorQuantity {
  /** The factor it is indexed by; undefined for one value per row. */
  readonly over?: string;
  readonly elements: ReadonlyMap<string, IrExpr>;
}

/**
 * The scalar quantities `g` stands for, given its lowered expression: itself when it reads no data and has
 * no index, else one per row or per level (null after reporting why not).
 */
export function expandGenerated(g: GeneratedStmt, e: IrExpr, scope: Scope, nRows: number): { quantities: IrGenerated[]; vector?: VectorQuantity } | null {
  const name = g.name.name;
  if (!g.index && !isRowwise(e)) return { quantities: [{ name, expr: e }] };
  if (!g.index) {
    if (nRows > MAX_ELEMENTS) {
      const factor = [...scope.columns.values()].find((c) => c.kind === 'factor');
      return report(scope, 'E205', `'${name}' reads the data, so it has one value per row: ${nRows} rows, more than the ${MAX_ELEMENTS} a generated quantity may have`, g.name.span,
        factor ? `index it by a factor for one value per level, e.g. ${name}[${factor.name}] = ...` : 'write it as a function of the parameters');
    }
    const elements = new Map<string, IrExpr>();
    for (let row = 0; row < nRows; row++) elements.set(String(row + 1), atRow(e, row, scope, g.name.span));
    return named(name, { elements });
  }
  const over = g.index.name;
  const factor = scope.columns.get(over);
  if (factor?.kind !== 'factor') {
    const factors = [...scope.columns.values()].filter((c) => c.kind === 'factor').map((c) => c.name);
    const close = suggest(over, factors);
    return report(scope, 'E205', `'${over}' is not a factor: a generated quantity is indexed by a factor, one value per level`, g.index.span,
      close !== undefined ? `did you mean '${close}'?` : factors.length > 0 ? `factors: ${factors.join(', ')}` : 'declare the column as a factor in the data block');
  }
  if (factor.levels.length > MAX_ELEMENTS) {
    return report(scope, 'E205', `'${over}' has ${factor.levels.length} levels, more than the ${MAX_ELEMENTS} a generated quantity may have`, g.index.span);
  }
  const first = firstRows(factor);
  if (!constantWithin(g, e, factor, first, scope)) return null;
  const elements = new Map<string, IrExpr>();
  factor.levels.forEach((label, level) => {
    if (first[level] >= 0) elements.set(label, atRow(e, first[level], scope, g.name.span));
  });
  return named(name, { over, elements });
}

function named(name: string, vector: VectorQuantity): { quantities: IrGenerated[]; vector: VectorQuantity } {
  const written = { name, ...(vector.over ? { over: vector.over } : {}) };
  return { quantities: [...vector.elements].map(([label, expr]) => ({ name: `${name}[${label}]`, expr, vector: written })), vector };
}

/** The expression at one row: its data columns' values there, and each factor-indexed parameter's element for the row's level. */
function atRow(e: IrExpr, row: number, scope: Scope, span: Span): IrExpr {
  switch (e.op) {
    case 'data': {
      const col = scope.columns.get(e.column);
      return { op: 'const', value: col?.kind === 'numeric' ? col.values[row] : NaN };
    }
    case 'gather': {
      const code = (scope.columns.get(e.factor) as FactorColumn).codes[row];
      // A formula's treatment column codes its reference level -1, which gathers 0.
      if (code < 0) return { op: 'const', value: 0 };
      return { op: 'level', param: e.param, label: scope.params[e.param].levels?.[code] ?? String(code), level: code, span };
    }
    case 'const':
    case 'param':
    case 'level':
      return e;
    case 'neg':
      return { op: 'neg', arg: atRow(e.arg, row, scope, span) };
    case 'call':
      return { op: 'call', fn: e.fn, arg: atRow(e.arg, row, scope, span) };
    case 'bin':
      return { op: 'bin', o: e.o, a: atRow(e.a, row, scope, span), b: atRow(e.b, row, scope, span) };
  }
}

/** The first row of each level (-1 for a level with none). */
function firstRows(factor: FactorColumn): Int32Array {
  const first = new Int32Array(factor.levels.length).fill(-1);
  for (let row = 0; row < factor.codes.length; row++) if (factor.codes[row] >= 0 && first[factor.codes[row]] < 0) first[factor.codes[row]] = row;
  return first;
}

/** Reports the first column (or factor of a parameter) `e` reads that varies within a level of `factor`. */
function constantWithin(g: GeneratedStmt, e: IrExpr, factor: FactorColumn, first: Int32Array, scope: Scope): boolean {
  const read = new Map<string, { what: string; at: (row: number) => string | number }>();
  const visit = (x: IrExpr): void => {
    if (x.op === 'data') {
      const col = scope.columns.get(x.column);
      if (col?.kind === 'numeric') read.set(x.column, { what: `'${x.column}'`, at: (row) => col.values[row] });
    } else if (x.op === 'gather') {
      const f = scope.columns.get(x.factor) as FactorColumn;
      read.set(`\u0000${x.factor}`, { what: `'${scope.params[x.param].name}[${x.factor}]'`, at: (row) => JSON.stringify(f.levels[f.codes[row]] ?? '') });
    } else if (x.op === 'neg' || x.op === 'call') visit(x.arg);
    else if (x.op === 'bin') {
      visit(x.a);
      visit(x.b);
    }
  };
  visit(e);
  const name = `${g.name.name}[${factor.name}]`;
  for (const [key, { what, at }] of read) {
    if (key === `\u0000${factor.name}`) continue;
    for (let row = 0; row < factor.codes.length; row++) {
      const level = factor.codes[row];
      if (level < 0 || at(row) === at(first[level])) continue;
      const across = key.startsWith('\u0000') ? `, and '${key.slice(1)}'` : ', which';
      report(scope, 'E205', `'${name}' reads ${what}${across} varies within level '${factor.levels[level]}' of '${factor.name}' (rows ${first[level] + 1} and ${row + 1}: ${at(first[level])} and ${at(row)}): ` +
        'a quantity per level reads one value per level', g.value.span,
      `write ${g.name.name} = ... without [${factor.name}] for one value per row, or read only columns that are constant within each level of '${factor.name}'`);
      return false;
    }
  }
  return true;
}
