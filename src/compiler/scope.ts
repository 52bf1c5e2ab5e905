import type { Diagnostic, Span } from '../core/errors.js';
import type { Column } from '../data/table.js';
import type { IrExpr, IrParam } from './ir.js';
import type { VectorQuantity } from './generated_vectors.js';

/** Where an expression is written decides what it may read. */
export type Context = 'prior' | 'model' | 'generated' | 'contrast';

/** Everything a name can resolve to while lowering, and the list problems are reported to. */
export interface Scope {
  readonly file: string;
  /** Data columns, and those formulas derive from them (contrasts, crossed factors, products). */
  readonly columns: Map<string, Column>;
  readonly params: IrParam[];
  readonly paramIndex: Map<string, number>;
  /** Model-block definitions or earlier generated quantities, already lowered. */
  readonly locals: Map<string, IrExpr>;
  /** Earlier generated quantities with one value per row or per level, read one element at a time (`fitted["1990"]`). */
  readonly vectors?: Map<string, VectorQuantity>;
  /** Names whose declaration was already reported as wrong: later uses stay silent (no cascades). */
  readonly failed: Set<string>;
  readonly diagnostics: Diagnostic[];
  /** What the compiler decided for the user without it being an error (a bound narrowed to the prior's support). */
  readonly notes?: string[];
}

export function report(scope: Scope, code: string, message: string, span: Span, hint?: string): null {
  scope.diagnostics.push(hint === undefined ? { code, message, span } : { code, message, span, hint });
  return null;
}
