import { describe, expect, it } from 'vitest';
import { LazyTable } from '../../src/math/lazy_table.js';
import { createRng } from '../../src/core/rng.js';

/** sum_r softplus(x + o_r) with its first three derivatives, by the textbook formulas (the reference). */
function exactSum(offsets: readonly number[], x: number): [number, number, number, number] {
  let f = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  for (const o of offsets) {
    const z = x + o;
    const s = 1 / (1 + Math.exp(-z));
    f += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    d1 += s;
    d2 += s * (1 - s);
    d3 += s * (1 - s) * (1 - 2 * s);
  }
  return [f, d1, d2, d3];
}

function table(offsets: readonly number[]): LazyTable {
  const lo = Math.min(...offsets);
  const hi = Math.max(...offsets);
  return new LazyTable(
    (x, out) => out.set(exactSum(offsets, x)),
    // The tails as closed forms of the exact sum itself: what a table does outside its range is not under test here.
    { from: -40 - hi, to: 40 - lo, f: (x, out) => out.set(exactSum(offsets, x)) },
  );
}

describe('LazyTable: a softplus sum tabulated on a grid of 1/4 with septic Hermite interpolation', () => {
  const rng = createRng(3);
  const offsets = Array.from({ length: 200 }, () => 6 + 3 * rng.uniform());

  it('matches the exact sum between nodes: value to 1e-11 of its size, derivatives to 1e-10, 1e-8, 1e-6 of the largest', () => {
    const t = table(offsets);
    let worst = [0, 0, 0, 0];
    const scale = [0, 0, 0, 0];
    const out = new Float64Array(4);
    for (let x = -30; x <= 10; x += 0.0173) {
      const e = exactSum(offsets, x);
      t.derivatives(x, out);
      expect(t.value(x)).toBe(out[0]);
      expect(t.slope(x)).toBe(out[1]);
      worst = worst.map((w, k) => Math.max(w, k === 0 ? Math.abs(out[0] - e[0]) / Math.max(1e-300, Math.abs(e[0])) : Math.abs(out[k] - e[k])));
      e.forEach((v, k) => (scale[k] = Math.max(scale[k], Math.abs(v))));
    }
    expect(worst[0]).toBeLessThan(1e-11);
    expect(worst[1] / scale[1]).toBeLessThan(1e-10);
    expect(worst[2] / scale[2]).toBeLessThan(1e-8);
    expect(worst[3] / scale[3]).toBeLessThan(1e-6);
  });

  it('is exact at the nodes, and a value depends only on x: the same bits whatever was evaluated before', () => {
    const xs = Array.from({ length: 300 }, () => -20 + 25 * rng.uniform());
    const a = table(offsets);
    const b = table(offsets);
    const forward = xs.map((x) => a.value(x));
    const backward = [...xs].reverse().map((x) => b.value(x)).reverse();
    expect(backward).toEqual(forward);
    for (const x of [-10, -9.75, 0.25]) expect(a.value(x)).toBeCloseTo(exactSum(offsets, x)[0], 12);
  });

  it('fills no node for a point in its tails or for a non-finite point', () => {
    const t = table(offsets);
    for (const x of [-1e4, -60, 60, 1e6, NaN, Infinity, -Infinity]) t.value(x);
    expect(t.filledNodes()).toBe(0);
    t.value(-3.3);
    expect(t.filledNodes()).toBe(2);
  });
});
