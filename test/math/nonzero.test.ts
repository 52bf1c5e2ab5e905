import { describe, expect, it } from 'vitest';
import { nonZeroRows } from '../../src/math/nonzero.js';

describe('nonZeroRows', () => {
  it('lists the rows that are not 0, NaN and -0 as they compare, ascending, once per array', () => {
    const y = Float64Array.from([0, 3, 0, NaN, -0, 1, 0, -2]);
    const rows = nonZeroRows(y);
    expect(Array.from(rows)).toEqual([1, 3, 5, 7]);
    expect(nonZeroRows(y)).toBe(rows);
    expect(Array.from(nonZeroRows(new Float64Array(3)))).toEqual([]);
  });

  it('a sum over them in their order is the sum over every row, to the bit', () => {
    const y = Float64Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 0.1 * ((i * 7919) % 101) : 0));
    let all = 0;
    for (let i = 0; i < y.length; i++) all += y[i];
    let some = 0;
    for (const i of nonZeroRows(y)) some += y[i];
    expect(some).toBe(all);
  });
});
