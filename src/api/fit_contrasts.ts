import { evalContrast, type Contrast } from '../compiler/contrast.js';
import type { ModelIR } from '../compiler/ir.js';
import { contrastRow, type ContrastRow } from '../results/contrasts.js';
import type { SummaryRow } from '../results/summary.js';
import { normalCdf } from '../math/special.js';
import { column } from '../math/column.js';

/**
 * The generated quantities (already columns of the draws, after the `ir.dim` parameters) and the
 * requested contrasts (evaluated on every draw), each with its summary and P(> 0). A contrast is a
 * function of the draws, so every engine gets it the same way, weighted when its draws are. `summary`,
 * when given, is the summary of these draws' columns, whose rows the generated quantities reuse.
 */
export function fitContrasts(
  ir: ModelIR, contrasts: readonly Contrast[], draws: readonly Float64Array[], weights?: Float64Array, chains?: number,
  summary?: readonly SummaryRow[],
): { contrasts?: readonly ContrastRow[] } {
  const listed = ir.generated.flatMap((g, j) => (g.derived ? [] : [j]));
  if (listed.length === 0 && contrasts.length === 0) return {};
  const generated = listed.map((j) => contrastRow(ir.generated[j].name, column(draws, ir.dim + j), weights, chains, summary?.[ir.dim + j]));
  const requested = contrasts.map((c) => contrastRow(c.name, Float64Array.from(draws, (d) => evalContrast(c, ir, d)), weights, chains));
  return { contrasts: [...generated, ...requested] };
}

/**
 * The same without draws (ML, REML): each quantity's estimate and delta-method sd from `summary` (the
 * generated quantities are its last rows; the requested contrasts come from `extra`), and P(> 0) by the
 * normal approximation Phi(estimate / sd) that the Wald interval also uses.
 */
export function estimateContrasts(ir: ModelIR, summary: readonly SummaryRow[], extra: readonly SummaryRow[]): { contrasts?: readonly ContrastRow[] } {
  const listed = ir.generated.flatMap((g, j) => (g.derived ? [] : [summary[ir.dim + j]]));
  if (listed.length === 0 && extra.length === 0) return {};
  const rows = [...listed, ...extra];
  return { contrasts: rows.map((r) => ({ ...r, pPositive: normalCdf(r.mean / r.sd) })) };
}
