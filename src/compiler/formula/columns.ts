import type { Column, FactorColumn, NumericColumn } from '../../data/table.js';
import type { Formula } from './terms.js';

/**
 * The model-matrix columns a term needs, made from data columns: a factor's levels crossed with
 * another's (`a:b`), with treatment contrasts (the reference level, or any combination containing
 * one, coded -1 so that it indexes to 0), and products of numeric columns.
 */
export function crossFactors(factors: readonly FactorColumn[], contrast: readonly boolean[], name: string): { column: FactorColumn; names: string[]; parts: string[][] } {
  const n = factors[0].codes.length;
  const keyOf = (i: number): number[] => factors.map((f) => f.codes[i]);
  const seen = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    if (k.some((c, j) => contrast[j] && c === 0)) continue;
    seen.set(k.join(','), k);
  }
  // R's column order: the first factor varies fastest.
  const combos = [...seen.values()].sort((x, y) => {
    for (let j = x.length - 1; j >= 0; j--) if (x[j] !== y[j]) return x[j] - y[j];
    return 0;
  });
  const index = new Map(combos.map((k, c) => [k.join(','), c]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(keyOf(i).join(',')) ?? -1;
  const levels = combos.map((k) => k.map((c, j) => factors[j].levels[c]).join(':'));
  // lme4's column names: each factor's name then its level (`cell_groupB : PBMC : diseased`), joined by ':'.
  const parts = combos.map((k) => k.map((c, j) => `${factors[j].name}${factors[j].levels[c]}`));
  return { column: { kind: 'factor', name, levels, codes }, names: parts.map((p) => p.join(':')), parts };
}

export function productColumn(cols: readonly NumericColumn[], name: string): NumericColumn {
  const values = new Float64Array(cols[0].values.length).fill(1);
  for (const c of cols) for (let i = 0; i < values.length; i++) values[i] *= c.values[i];
  return { kind: 'numeric', name, type: 'real', values };
}

export const isFactor = (c: Column | undefined): c is FactorColumn => c?.kind === 'factor';

/** R's coding rule: a factor gets treatment contrasts when the term without it is in the model. */
export function codings(f: Formula, columns: ReadonlyMap<string, Column>): boolean[][] {
  const key = (vars: readonly string[]): string => [...vars].sort().join(':');
  const present = new Set(f.fixed.map((t) => key(t.vars)));
  if (f.intercept) present.add('');
  let fullUsed = false;
  return f.fixed.map((t) => t.vars.map((v, j) => {
    if (!isFactor(columns.get(v))) return false;
    const margin = key(t.vars.filter((_, k) => k !== j));
    if (margin === '' && !f.intercept) {
      // Without an intercept, R codes the first factor fully and the others by contrasts.
      const contrast = fullUsed;
      fullUsed = true;
      return contrast;
    }
    return present.has(margin);
  }));
}
