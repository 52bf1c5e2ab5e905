import { describe, expect, it } from 'vitest';
import { runExample } from '../../docs/examples/embed.js';

describe('docs/examples/embed.ts, the library embedded in a program', () => {
  it('fits with two engines, reads draws by name and shows a located error', async () => {
    const r = await runExample();
    // Eight schools' posterior mean of mu is about 4.4 (BDA3 sec. 5.5; Stan's non-centered fit), with
    // sd 3.3: NUTS with 2000 draws is within 1 of it. Nested Laplace, exact here up to its grid, is within
    // 0.1 sd of it (4.39 by 10^5 Stan draws; test/engines/nested/eight_schools.test.ts checks every quantity).
    expect(Math.abs(r.muMean.nuts - 4.4)).toBeLessThan(1);
    expect(Math.abs(r.muMean.laplace - 4.39)).toBeLessThan(0.33);
    expect(r.laplaceKhat).toBe(0);
    expect(r.lines[1]).toMatch(/^nuts: mu = /);
    expect(r.probTauAbove5).toBeGreaterThan(0.2);
    expect(r.probTauAbove5).toBeLessThan(0.6);
    expect(r.lines[0]).toMatch(/^laplace: mu = /);
    expect(r.typoMessage).toContain("error[E203]: unknown distribution 'HalfCauchi'");
    expect(r.typoMessage).toContain("hint: did you mean 'HalfCauchy'?");
  });
});
