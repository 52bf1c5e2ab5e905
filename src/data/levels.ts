import { parseStrictNumber } from './values.js';

/**
 * R's sort order for strings in an en_US.UTF-8 locale (ICU and glibc agree on the cases that matter):
 * letters compare case-insensitively first, lower case before upper on a tie, digits as characters,
 * so "b" < "C" and "C10" < "C2". Built once: constructing a collator is not cheap.
 */
const collator = new Intl.Collator('en-US');

/** Code-point order, the final tie-break so the order never depends on the input order. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The distinct values in the order R's `factor()` gives its levels by default, so that parameter
 * names and reference results (lme4, Stan) line up index by index. If every value reads as a finite
 * number, R would have read the column as numeric and sorts numerically; the original strings stay
 * as labels (R would relabel "1.50" as "1.5", and merge "1" with "1.0": we keep both, ordered by
 * code point, rather than merge rows the user wrote differently).
 */
export function orderLevels(values: Iterable<string>): string[] {
  const levels = [...new Set(values)];
  const numbers = new Map(levels.map((level) => [level, parseStrictNumber(level)]));
  const numeric = levels.length > 0 && levels.every((level) => Number.isFinite(numbers.get(level)));
  if (numeric) {
    return levels.sort((a, b) => numbers.get(a)! - numbers.get(b)! || byCodePoint(a, b));
  }
  return levels.sort((a, b) => collator.compare(a, b) || byCodePoint(a, b));
}

/** Labels as a factor: the distinct ones in R's level order (orderLevels) and each label's 0-based code. */
export function codeFactor(labels: readonly string[]): { levels: string[]; codes: Int32Array } {
  const levels = orderLevels(labels);
  const code = new Map(levels.map((l, i) => [l, i]));
  return { levels, codes: Int32Array.from(labels, (l) => code.get(l)!) };
}
