import { paramsOf, type IrExpr, type ModelIR } from '../compiler/ir.js';

/**
 * A generated quantity or contrast is a function of parameters: when an engine's warning names a
 * parameter as off (a Gaussian approximation that misses tau), the quantities computed from it are off
 * too, though no engine sees them (engines know only the log density). This names them, so that a user
 * who reads `sigma = 1 / sqrt(tau)` in the table is told it carries tau's error.
 */
export function inheritedWarning(ir: ModelIR, quantities: readonly { name: string; expr: IrExpr }[], warnings: readonly string[]): string | undefined {
  if (warnings.length === 0) return undefined;
  const text = warnings.join('\n');
  const named = new Set(ir.params.flatMap((p, k) => (mentions(text, p.name) ? [k] : [])));
  if (named.size === 0) return undefined;
  const affected = quantities.flatMap((q) => {
    if (mentions(text, q.name)) return [];
    const from = [...paramsOf(q.expr)].filter((k) => named.has(k));
    return from.length === 0 ? [] : [`${q.name} (from ${from.map((k) => ir.params[k].name).join(', ')})`];
  });
  if (affected.length === 0) return undefined;
  return `generated quantities computed from parameters named above carry their error: ${affected.join(', ')}`;
}

/**
 * Whether `text` names `name` the ways warnings write names: quoted (`'tau'`), inside a transform
 * (`log(tau)`), indexed (`b[4]`) or followed by its figures (`tau (mean +0.4 sd)`). A bare word
 * in a sentence is not a name: a parameter called `sd` is not named by "sd x1.43".
 */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?:'${escaped}'|\\(${escaped}\\)|(?:^|[\\s('])${escaped}(?:\\[| \\(|$))`, 'm').test(text);
}
