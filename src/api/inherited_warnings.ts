import { warning, type EngineWarning } from '../core/warning.js';
import { paramsOf, type IrExpr, type ModelIR } from '../compiler/ir.js';

/**
 * A generated quantity or contrast is a function of parameters: when an engine's warning names a
 * parameter as off (a Gaussian approximation that misses tau), the quantities computed from it are off
 * too, though no engine sees them (engines know only the log density). This names them, so that a user
 * who reads `sigma = 1 / sqrt(tau)` in the table is told it carries tau's error.
 */
export function inheritedWarning(ir: ModelIR, quantities: readonly { name: string; expr: IrExpr; derived?: boolean }[], warnings: readonly string[]): EngineWarning<'inherited'> | undefined {
  if (warnings.length === 0) return undefined;
  const text = warnings.join('\n');
  const named = new Set(ir.params.flatMap((p, k) => (mentions(text, p.name) || mentions(text, shownName(ir, k)) ? [k] : [])));
  if (named.size === 0) return undefined;
  // The data-scale effects of a correlated block (g[level, term] = sd * (L z)) are one item per term,
  // g[., term] with their count, not one per level.
  const groups = new Map<string, { count: number; from: Set<string> }>();
  const names: string[] = [];
  const items: { name: string; from: string[]; effects?: number }[] = quantities.flatMap((q) => {
    if (mentions(text, q.name)) return [];
    const from = [...paramsOf(q.expr)].filter((k) => named.has(k)).map((k) => shownName(ir, k));
    if (from.length === 0) return [];
    names.push(q.name);
    const level = q.derived ? /^(.*)\[[^,\]]+, (.*)\]$/.exec(q.name) : null;
    if (!level) return [{ name: q.name, from }];
    const key = `${level[1]}[., ${level[2]}]`;
    const g = groups.get(key) ?? { count: 0, from: new Set<string>() };
    g.count++;
    from.forEach((f) => g.from.add(f));
    groups.set(key, g);
    return [];
  });
  for (const [key, g] of groups) items.push({ name: key, from: [...g.from], effects: g.count });
  if (items.length === 0) return undefined;
  return warning('inherited', { items }, names);
}

/** A parameter as the summary shows it (a formula's `sd[g, x]` for `sd_g_x`). */
function shownName(ir: ModelIR, k: number): string {
  const p = ir.params[k];
  return p.elementNames?.length === 1 && p.size === 1 ? p.elementNames[0] : p.name;
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
