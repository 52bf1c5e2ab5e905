import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { rankCounts, rankSpec, traceSpec } from '../../src/plots/mcmc.js';
import { compileAndRender, inlineValues } from './spec_check.js';

/** `chains` chains of `n` draws of two quantities; chain `stuck` (if any) sits 3 sds above the rest. */
function chainDraws(chains: number, n: number, stuck = -1): Float64Array[] {
  const rng = createRng(7);
  return Array.from({ length: chains * n }, (_, i) => Float64Array.of(rng.normal() + (Math.floor(i / n) === stuck ? 3 : 0), rng.normal()));
}

describe('rankCounts', () => {
  it('counts every draw once, per chain', () => {
    const column = Float64Array.from(chainDraws(4, 250), (d) => d[0]);
    const counts = rankCounts(column, 4, 10);
    for (const row of counts) expect(row.reduce((a, b) => a + b)).toBe(250);
  });

  it('is near uniform for mixed chains and piles a stuck chain into the top ranks', () => {
    const mixed = rankCounts(Float64Array.from(chainDraws(4, 1000), (d) => d[0]), 4, 10);
    for (const row of mixed) for (const c of row) expect(Math.abs(c - 100)).toBeLessThan(40);
    const stuck = rankCounts(Float64Array.from(chainDraws(4, 1000, 2), (d) => d[0]), 4, 10);
    // Chain 3 holds almost all of the top quarter of the ranks, and almost none of the bottom half.
    expect(stuck[2].slice(8).reduce((a, b) => a + b)).toBeGreaterThan(180);
    expect(stuck[2].slice(0, 5).reduce((a, b) => a + b)).toBeLessThan(10);
  });
});

describe('trace and rank specs', () => {
  const c = { names: ['mu', 'tau'], draws: chainDraws(3, 2500), chains: 3 };

  it('traces each chain, thinned to at most 1000 iterations per chain', () => {
    const values = inlineValues(traceSpec(c, ['tau']));
    expect(values).toHaveLength(3 * 834);
    expect(values[0]).toMatchObject({ parameter: 'tau', chain: 1, iteration: 1, value: c.draws[0][1] });
    expect(values[834]).toMatchObject({ chain: 2, iteration: 1, value: c.draws[2500][1] });
  });

  it('render without warnings', async () => {
    for (const spec of [traceSpec(c, ['mu', 'tau']), rankSpec(c, ['mu', 'tau'])]) {
      const { warnings, svg } = await compileAndRender(spec);
      expect(warnings).toEqual([]);
      expect(svg).toContain('>tau<');
    }
  });

  it('rejects a quantity that is not in the draws', () => {
    expect(() => traceSpec(c, ['sigma'])).toThrow(/no quantity 'sigma'/);
  });
});
