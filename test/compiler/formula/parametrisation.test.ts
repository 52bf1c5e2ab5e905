import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { createRng } from '../../../src/core/rng.js';

/*
 * A formula's random effects are a hierarchy like any written in blocks: --parametrisation (NUTS's
 * `parametrisation` setting) samples them centred or non-centred, which is what the divergence warning
 * recommends. Weakly informed groups (a few counts each) are where the centred form has the funnel.
 */
const rng = createRng(5);
/** Knuth's Poisson draw (small means). */
const poisson = (mean: number): number => {
  let k = 0;
  for (let p = rng.uniform(); p > Math.exp(-mean); p *= rng.uniform()) k++;
  return k;
};
const groups = 8;
const rows: string[] = ['y,g'];
for (let k = 0; k < groups; k++) {
  const u = 0.3 * rng.normal();
  for (let i = 0; i < 3; i++) rows.push(`${poisson(Math.exp(0.5 + u))},g${k}`);
}
const model = compile('data { y: count\n g: factor }\nmodel { y ~ poisson(1 + (1 | g)) }', { data: { text: rows.join('\n'), file: 'pois.csv' } });

describe("a formula's random effects take --parametrisation", () => {
  it('non-centred and centred are both applied, and the posteriors agree', async () => {
    const fits = await Promise.all((['non-centred', 'centred'] as const).map((parametrisation) =>
      inferFit(model, { engine: 'nuts', seed: 2, settings: { chains: 2, warmup: 300, drawsPerChain: 500, parametrisation } })));
    const described = fits.map((f) => diagnosticsOf(f.diagnostics, 'mcmc').parametrisation);
    expect(described).toEqual([expect.stringMatching(/: non-centred/), expect.stringMatching(/: centred/)]);
    const mean = (i: number, name: string): { mean: number; sd: number } => fits[i].summary.find((r) => r.name === name)!;
    // Two independent runs of 1,000 draws each (an effective 200 at least): within 5 Monte Carlo sds of their difference.
    for (const name of ['(Intercept)', 'sd[g, (Intercept)]', 'g[g0, (Intercept)]']) {
      const [a, b] = [mean(0, name), mean(1, name)];
      expect(Math.abs(a.mean - b.mean)).toBeLessThan((5 * Math.hypot(a.sd, b.sd)) / Math.sqrt(200));
    }
  }, 60_000);
});
