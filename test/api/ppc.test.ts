import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { inferFit } from '../../src/api/infer.js';
import { defaultPpcFactor, pickDraws, posteriorPredictiveCheck } from '../../src/api/ppc.js';
import { negativeBinomial } from '../../src/distributions/sample.js';
import { outside } from '../../src/results/ppc.js';
import { compileText, loadRepoModel } from '../helpers.js';

describe('pickDraws', () => {
  it('spreads unweighted picks evenly through every chain, each draw used alike when asked for more than there are', () => {
    expect(pickDraws(10, 5, undefined, createRng(1))).toEqual([1, 3, 5, 7, 9]);
    expect(pickDraws(3, 6, undefined, createRng(1))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('resamples weighted draws in proportion to their weights', () => {
    const picks = pickDraws(4, 1000, Float64Array.of(0, 1, 3, 0), createRng(2));
    const count = (i: number) => picks.filter((p) => p === i).length;
    expect([count(0), count(1), count(2), count(3)]).toEqual([0, 250, 750, 0]);
  });
});

describe('defaultPpcFactor', () => {
  it('is the first factor of the likelihood: cell_group for ZEB2', () => {
    expect(defaultPpcFactor(loadRepoModel('zeb2.glmm').rowwiseIr)).toBe('cell_group');
    expect(defaultPpcFactor(compileText('data { y: real }\nparameters { m ~ Normal(0, 1) }\nmodel { y ~ Normal(m, 1) }', 'y\n1\n2\n').rowwiseIr)).toBeUndefined();
  });
});

describe('posteriorPredictiveCheck: Poisson is too narrow for overdispersed counts, NegativeBinomial fits', () => {
  // 400 counts per group from NegativeBinomial(mean 2 or 6, dispersion 1.5): variance 4.7 and 30.
  const rng = createRng(2024);
  const lines = ['y,g'];
  for (const [g, mu] of [['a', 2], ['b', 6]] as const) for (let i = 0; i < 400; i++) lines.push(`${negativeBinomial(rng, mu, 1.5)},${g}`);
  const csv = lines.join('\n');
  const poisson = compileText('data { y: count  g: factor }\nparameters { b[g] ~ Normal(0, 5) }\nmodel { y ~ Poisson(log_rate = b[g]) }', csv);
  const negbin = compileText('data { y: count  g: factor }\nparameters { b[g] ~ Normal(0, 5)  phi ~ HalfNormal(5) }\n' +
    'model { y ~ NegativeBinomial(log_mean = b[g], dispersion = phi) }', csv);

  it('flags the variance and the zeros under Poisson, not under NegativeBinomial', async () => {
    const check = async (model: typeof poisson) => posteriorPredictiveCheck(model, await inferFit(model, { engine: 'laplace', seed: 1, draws: 1000 }), { draws: 200 })[0];
    const p = await check(poisson);
    const nb = await check(negbin);
    expect(p).toMatchObject({ column: 'y', family: 'Poisson', by: 'g', draws: 200 });
    for (const s of ['variance', 'zeros'] as const) {
      for (const r of p.rows.filter((row) => row.statistic === s)) {
        expect(outside(r), `Poisson ${s} ${r.group}`).toBe(true);
        expect(r.observed, `Poisson ${s} ${r.group}`).toBeGreaterThan(r.q97_5);
      }
    }
    // Means are fitted either way; NegativeBinomial reproduces every statistic.
    expect(p.rows.filter((r) => r.statistic === 'mean').some(outside)).toBe(false);
    expect(nb.rows.filter(outside)).toEqual([]);
  });

  it('groups by another factor or by none, and is reproducible by seed', async () => {
    const fit = await inferFit(poisson, { engine: 'laplace', seed: 1, draws: 200 });
    const all = posteriorPredictiveCheck(poisson, fit, { draws: 20, by: null })[0];
    expect(all.by).toBeUndefined();
    expect(all.rows.map((r) => r.group)).toEqual(['(all rows)', '(all rows)', '(all rows)']);
    expect(posteriorPredictiveCheck(poisson, fit, { draws: 20, seed: 5 })).toEqual(posteriorPredictiveCheck(poisson, fit, { draws: 20, seed: 5 }));
    expect(() => posteriorPredictiveCheck(poisson, fit, { by: 'gg' })).toThrow(/unknown factor 'gg'/);
  });
});
