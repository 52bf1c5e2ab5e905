/**
 * A number as JavaScript source that evaluates to exactly that double. Number.prototype.toString gives
 * the shortest decimal that round-trips (ECMA-262 Number::toString), and the result is checked twice
 * anyway: its shape must be plain digits (no names, no quotes: the only text of a model a literal can
 * carry is a number), and reading it back must give the same bits, -0 and the non-finite values included.
 */
export function numberLiteral(x: number): string {
  if (typeof x !== 'number') throw new TypeError('numberLiteral: not a number');
  if (Number.isNaN(x)) return '(0 / 0)';
  if (x === Infinity) return '(1 / 0)';
  if (x === -Infinity) return '(-1 / 0)';
  if (Object.is(x, -0)) return '(-0)';
  const text = String(Math.abs(x));
  if (!/^\d+(?:\.\d+)?(?:e[+-]\d+)?$/.test(text) || Number(text) !== Math.abs(x)) {
    throw new Error(`numberLiteral: ${text} does not round-trip`);
  }
  return x < 0 ? `(-${text})` : text;
}

/** A non-negative integer (a loop bound, an offset, an index), checked as such. */
export function intLiteral(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`intLiteral: ${n} is not a non-negative integer`);
  return String(n);
}
