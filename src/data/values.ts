/**
 * Reading one cell as a value of a declared column type. A check returns the number it read, or a
 * string saying what is wrong (the caller adds column, row and line): no allocation on the happy path,
 * which matters at 68k rows x several columns.
 */

export type NumericType = 'count' | 'int' | 'real' | 'positive' | 'binary';

/**
 * `Number()` semantics (so `1e3`, `-2.5`, ` 3 ` and R-style `0x1F` read as numbers), except that ''
 * and whitespace-only text are not 0: `Number('')` is 0, which would turn an empty cell into data.
 * Returns NaN for anything that is not a number.
 */
export function parseStrictNumber(text: string): number {
  if (text.trim() === '') return NaN;
  return Number(text);
}

/** R's logical spellings (type.convert reads these as TRUE/FALSE), for binary columns. */
const LOGICAL: ReadonlyMap<string, number> = new Map([
  ['TRUE', 1], ['True', 1], ['true', 1], ['T', 1],
  ['FALSE', 0], ['False', 0], ['false', 0], ['F', 0],
]);

const INFINITE = /^[+-]?(inf|infinity)$/i;

/**
 * The largest magnitude a numeric cell may have: squares (Hessians, sums of squares) of anything larger
 * overflow to Infinity, and the fit would fail far from the data with no word about it.
 */
const MAX_MAGNITUDE = 1e150;

/** The value of `text` in a numeric column of type `type`, or the problem with it. */
export function checkNumeric(text: string, type: NumericType): number | string {
  if (type === 'binary') {
    const logical = LOGICAL.get(text.trim());
    if (logical !== undefined) return logical;
  }
  const value = parseStrictNumber(text);
  if (!Number.isFinite(value)) return notANumber(text, type);
  const shown = text.trim();
  if (Math.abs(value) > MAX_MAGNITUDE) {
    return `${shown} is too large to compute with (beyond 1e150 its square overflows a double); rescale the column, e.g. to thousands or millions`;
  }
  switch (type) {
    case 'real':
      return value;
    case 'count':
      if (value > Number.MAX_SAFE_INTEGER && Number.isInteger(value)) return `${shown} is too large for a count (above 2^53 a double does not hold every whole number)`;
      return Number.isInteger(value) && value >= 0 ? value : `${shown} is not a count (a non-negative integer)`;
    case 'int':
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER && Number.isInteger(value)) return `${shown} is too large for an integer (above 2^53 a double does not hold every whole number)`;
      return Number.isInteger(value) ? value : `${shown} is not an integer`;
    case 'positive':
      return value > 0 ? value : `${shown} is not positive`;
    case 'binary':
      return value === 0 || value === 1 ? value : `${shown} is not binary (0/1 or TRUE/FALSE)`;
  }
}

/** Why `text`, which did not read as a finite number, is rejected. */
function notANumber(text: string, type: NumericType): string {
  const shown = text.trim();
  if (shown === '') return 'empty value';
  if (shown === 'NA') return "missing value 'NA'";
  // R writes infinities as Inf; JavaScript reads Infinity and overflows like 1e400.
  if (INFINITE.test(shown) || Math.abs(Number(shown)) === Infinity) return `'${shown}' is not finite`;
  return type === 'binary' ? `'${shown}' is not binary (0/1 or TRUE/FALSE)` : `'${shown}' is not a number`;
}

/** A factor level is any non-blank text other than R's missing-value marker. */
export function checkFactor(text: string): string | undefined {
  if (text.trim() === '') return 'empty value';
  if (text === 'NA') return "missing value 'NA'";
  return undefined;
}
