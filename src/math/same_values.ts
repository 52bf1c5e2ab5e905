/** Whether two arrays hold the same numbers, bit for bit in value (NaN equals nothing): the test of the memos that reuse a result for identical inputs. */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
