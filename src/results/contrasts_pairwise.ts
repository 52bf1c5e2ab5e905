import { userError } from '../core/errors.js';
import { orderLevels } from '../data/levels.js';

/** A data column as strings, one per row (rows aligned with the factor's codes). */
export interface TextColumn {
  readonly name: string;
  value(row: number): string;
}

/** What the data say about each level of a factor: the value of every column that is constant within levels. */
export interface LevelDesign {
  readonly factor: string;
  readonly levels: readonly string[];
  /** Number of rows at each level: a level without rows has nothing to compare. */
  readonly rows: readonly number[];
  /** Column -> its value at each level (in `levels` order); levels without rows get ''. */
  readonly constant: ReadonlyMap<string, readonly string[]>;
  /** Columns that take two values within some level: the level and the two values, for the error message. */
  readonly varying: ReadonlyMap<string, { readonly level: string; readonly values: readonly [string, string] }>;
}

/** Derives the level -> column mapping from the rows (codes < 0 are skipped). */
export function levelDesign(factor: string, levels: readonly string[], codes: Int32Array, columns: readonly TextColumn[]): LevelDesign {
  const constant = new Map<string, string[]>();
  const varying = new Map<string, { level: string; values: [string, string] }>();
  const rows = new Array<number>(levels.length).fill(0);
  for (const k of codes) if (k >= 0) rows[k]++;
  for (const col of columns) {
    if (col.name === factor) continue;
    const at: (string | undefined)[] = new Array(levels.length).fill(undefined);
    let clash: { level: string; values: [string, string] } | undefined;
    for (let r = 0; r < codes.length && clash === undefined; r++) {
      const k = codes[r];
      if (k < 0) continue;
      const v = col.value(r);
      if (at[k] === undefined) at[k] = v;
      else if (at[k] !== v) clash = { level: levels[k], values: [at[k]!, v] };
    }
    if (clash) varying.set(col.name, clash);
    else constant.set(col.name, at.map((v) => v ?? ''));
  }
  return { factor, levels, rows, constant, varying };
}

/** A difference between two levels of the factor that differ in one --by column: `plus - minus`. */
export interface LevelPair {
  readonly by: string;
  readonly plus: number;
  readonly minus: number;
}

/** One --by column's contrasts: the values compared (the reference first) and the pairs of levels. */
export interface PairGroup {
  readonly by: string;
  readonly values: readonly string[];
  readonly reference: string;
  /** The columns both levels of every pair share: the other --by columns, then those of heldEqual. */
  readonly held: readonly string[];
  readonly pairs: readonly LevelPair[];
}

/** Words that name a control group: the reference, subtracted from the others, when a column has exactly one of them. */
const CONTROL = /^(healthy|control|controls|ctrl|normal|baseline|untreated|placebo|wt|wild[ _-]?type|reference|ref|vehicle|mock|none|naive)$/i;

/** The reference value of a column: the user's, else the one control word, else the first in R's factor order (R's treatment contrasts). */
function referenceOf(column: string, values: readonly string[], given: string | undefined): string {
  if (given !== undefined) {
    if (!values.includes(given)) {
      throw userError('E432', `'${given}' is not a value of '${column}'`, { hint: `values: ${values.join(', ')}` });
    }
    return given;
  }
  const controls = values.filter((v) => CONTROL.test(v.trim()));
  return controls.length === 1 ? controls[0] : values[0];
}

const presentLevels = (design: LevelDesign): number[] => design.levels.map((_, k) => k).filter((k) => design.rows[k] > 0);
const distinct = (xs: readonly string[]): number => new Set(xs).size;

/**
 * The columns held equal in a comparison, besides the other --by columns: the constant columns that are
 * not already determined by the --by columns and those chosen before them, coarsest (fewest values)
 * first, until the level itself is determined. ZEB2, --by tissue,disease: celltype. A column that is a
 * function of the compared ones (is_blood from tissue) or a relabelling of the level (cell_group) is
 * left out, else it would forbid every comparison.
 */
function heldEqual(design: LevelDesign, by: readonly string[]): string[] {
  const used = presentLevels(design);
  const key = (cols: readonly string[], k: number): string => JSON.stringify(cols.map((c) => design.constant.get(c)![k]));
  const determines = (cols: readonly string[], target: (k: number) => string): boolean => {
    const seen = new Map<string, string>();
    for (const k of used) {
      const kk = key(cols, k);
      const t = target(k);
      if (seen.has(kk) && seen.get(kk) !== t) return false;
      seen.set(kk, t);
    }
    return true;
  };
  const others = [...design.constant.keys()].filter((c) => !by.includes(c))
    .map((c, i) => ({ c, i, n: distinct(used.map((k) => design.constant.get(c)![k])) }))
    .filter((o) => o.n < used.length)
    .sort((a, b) => a.n - b.n || a.i - b.i);
  const held: string[] = [];
  for (const { c } of others) {
    const basis = [...by, ...held];
    if (determines(basis, (k) => String(k))) break;
    if (!determines(basis, (k) => design.constant.get(c)![k])) held.push(c);
  }
  return held;
}

/**
 * All differences a differential-expression user asks for: pairs of levels that differ in exactly one
 * --by column and agree on the others and on the columns held equal (heldEqual). Within a column the
 * reference value is subtracted (diseased - healthy, R - PBMC); with more than two values, every pair,
 * the later value (reference first, then R's order) minus the earlier. Groups follow --by; pairs within
 * a group follow the values compared, then the levels' order.
 */
export function pairwiseContrasts(design: LevelDesign, by: readonly string[], references: ReadonlyMap<string, string> = new Map()): PairGroup[] {
  for (const b of by) {
    const v = design.varying.get(b);
    if (v) {
      throw userError('E431', `'${b}' is not constant within the levels of '${design.factor}': level '${v.level}' has rows with '${v.values[0]}' and '${v.values[1]}'`,
        { hint: `--by names columns that describe each level of ${design.factor} (one value per level)` });
    }
    if (!design.constant.has(b)) throw userError('E430', `unknown column '${b}'`);
  }
  const held = heldEqual(design, by);
  const value = (c: string, k: number): string => design.constant.get(c)![k];
  const present = presentLevels(design);
  return by.map((b) => {
    const observed = orderLevels(present.map((k) => value(b, k)));
    const reference = referenceOf(b, observed, references.get(b));
    const values = [reference, ...observed.filter((v) => v !== reference)];
    const rank = new Map(values.map((v, i) => [v, i]));
    const fixed = [...by.filter((c) => c !== b), ...held];
    const pairs: (LevelPair & { order: number[] })[] = [];
    for (const i of present) {
      for (const j of present) {
        const [ri, rj] = [rank.get(value(b, i))!, rank.get(value(b, j))!];
        if (ri <= rj || !fixed.every((c) => value(c, i) === value(c, j))) continue;
        pairs.push({ by: b, plus: i, minus: j, order: [rj, ri, i] });
      }
    }
    pairs.sort((p, q) => p.order[0] - q.order[0] || p.order[1] - q.order[1] || p.order[2] - q.order[2]);
    return { by: b, values, reference, held: fixed, pairs: pairs.map(({ by: c, plus, minus }) => ({ by: c, plus, minus })) };
  });
}
