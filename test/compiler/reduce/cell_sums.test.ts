import { describe, expect, it } from 'vitest';
import { softplusTable } from '../../../src/compiler/reduce/cell_sums.js';

/** sum_r w_r softplus(x + o_r) and its first three derivatives, row by row, each without cancellation. */
function reference(offsets: readonly number[], weights: readonly number[], x: number): number[] {
  const out = [0, 0, 0, 0];
  offsets.forEach((o, r) => {
    const z = x + o;
    const e = Math.exp(-Math.abs(z));
    const p = 1 / (1 + e);
    out[0] += weights[r] * (Math.max(z, 0) + Math.log1p(e));
    out[1] += weights[r] * (z >= 0 ? p : e * p);
    out[2] += weights[r] * e * p * p;
    out[3] += weights[r] * (z >= 0 ? -1 : 1) * e * (1 - e) * p * p * p;
  });
  return out;
}

describe('softplusTable: a weighted softplus sum over a cell rows, table between its series', () => {
  // Offsets spread like log total counts in a cell, weights like counts.
  const offsets = Array.from({ length: 40 }, (_, r) => 6 + 3 * ((r * 0.618) % 1));
  const weights = offsets.map((_, r) => 1 + (r % 4));
  const hi = Math.max(...offsets);
  const lo = Math.min(...offsets);

  it('equals the row-wise sum in its series to rounding (1e-13 of each derivative), and next to them in the table to its accuracy', () => {
    const t = softplusTable(Float64Array.from(offsets), Float64Array.from(weights));
    const out = new Float64Array(4);
    const check = (xs: readonly number[], tol: readonly number[]): void => {
      for (const x of xs) {
        const want = reference(offsets, weights, x);
        t.derivatives(x, out);
        for (let k = 0; k < 4; k++) expect(Math.abs(out[k] - want[k]), `x = ${x}, derivative ${k}`).toBeLessThanOrEqual(tol[k] * Math.abs(want[k]));
      }
    };
    check([-1e3, -200, -60, -30, -5.01 - hi, -5.3 - hi, 5.01 - lo, 5.3 - lo, 40, 300], [1e-13, 1e-13, 1e-13, 1e-13]);
    // The table's own accuracy (lazy_table.ts), here relative to each derivative itself.
    check([-4.99 - hi, -4.7 - hi, -hi, 0, 4.7 - lo, 4.99 - lo], [1e-11, 1e-10, 1e-8, 1e-6]);
  });

  it('tabulates only within 5 of every row: a point beyond, however far, fills no node', () => {
    const t = softplusTable(Float64Array.from(offsets), Float64Array.from(weights));
    for (const x of [-5.1 - hi, -30, -1e4, 5.1 - lo, 1e4]) t.value(x);
    expect(t.filledNodes()).toBe(0);
    t.value(-4.9 - hi);
    expect(t.filledNodes()).toBe(2);
  });
});
