import { describe, expect, it } from 'vitest';
import { runExample } from '../../docs/examples/embed.js';

describe('docs/examples/embed.ts, the library embedded in a program', () => {
  it('fits with two engines, reads draws by name and shows a located error', async () => {
    const r = await runExample();
    // Eight schools' posterior mean of mu is about 4.4 (BDA3 sec. 5.5; Stan's non-centered fit), with
    // sd 3.3: NUTS with 2000 draws is within 1 of it. The Laplace fit is poor in this funnel and says so.
    expect(Math.abs(r.muMean.nuts - 4.4)).toBeLessThan(1);
    expect(r.laplaceKhat).toBeGreaterThan(0.7);
    expect(r.lines[1]).toMatch(/^ {2}warning: Pareto k-hat = /);
    expect(r.probTauAbove5).toBeGreaterThan(0.2);
    expect(r.probTauAbove5).toBeLessThan(0.6);
    expect(r.lines[0]).toMatch(/^laplace: mu = /);
    expect(r.lines[1].startsWith('nuts: mu = ') || r.lines[2].startsWith('nuts: mu = ')).toBe(true);
    expect(r.typoMessage).toContain("error[E203]: unknown distribution 'HalfCauchi'");
    expect(r.typoMessage).toContain("hint: did you mean 'HalfCauchy'?");
  });
});
