import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { fitPlots, worstMixing } from '../../src/plots/fit_plots.js';
import { compileText } from '../helpers.js';
import { inlineValues } from './spec_check.js';

const csv = ['y,g', '3,a', '0,a', '5,b', '2,b', '7,c', '1,c', '4,a', '0,b'].join('\n');
const model = compileText('data { y: count  g: factor } parameters { s ~ HalfNormal(1)  u[g] ~ Normal(0, s) } model { y ~ Poisson(log_rate = u[g]) }', csv);

describe('fitPlots', () => {
  it('gives NUTS a forest, densities, trace and rank plots from its chains', async () => {
    const fit = await inferFit(model, { engine: 'nuts', seed: 3, settings: { chains: 2, warmup: 200, drawsPerChain: 150 } });
    expect(fit.chains).toBe(2);
    const plots = fitPlots(fit);
    expect(Object.keys(plots)).toEqual(['forest', 'densities', 'trace', 'rank']);
    const trace = inlineValues(plots.trace);
    expect(trace).toHaveLength(4 * 2 * 150);
    // Chain 2's first draw of u[b] is row 150 of the draws, column 2 (s, u[a], u[b], u[c]).
    expect(trace.find((v) => v.parameter === 'u[b]' && v.chain === 2 && v.iteration === 1)?.value).toBe(fit.draws[150][2]);
  });

  it('gives VI its ELBO trace, one line per run, and no chain plots', async () => {
    const fit = await inferFit(model, { engine: 'advi', seed: 1, draws: 200, runs: 2 });
    expect(fit.traces).toHaveLength(2);
    const plots = fitPlots(fit);
    expect(Object.keys(plots)).toEqual(['forest', 'densities', 'elbo']);
    const elbo = inlineValues(plots.elbo);
    expect(new Set(elbo.map((v) => v.run))).toEqual(new Set(['advi seed 1', 'advi seed 2']));
    expect(elbo.filter((v) => v.run === 'advi seed 2').map((v) => v.elbo)).toEqual(Array.from(fit.traces![1].elbo).filter(Number.isFinite));
    // Two runs: every run has its own interval in the forest plot.
    const forest = (plots.forest as unknown as { vconcat: object[] }).vconcat.flatMap(inlineValues);
    expect(forest.filter((r) => r.parameter === 's').map((r) => r.fit)).toEqual(['advi seed 1', 'advi seed 2']);
  });

  it('shows the quantities with the largest R-hat when there are too many for trace plots', () => {
    const summary = Array.from({ length: 6 }, (_, i) => ({ name: `q${i}`, rhat: [1.0, 1.2, 1.01, 1.5, 1.0, 1.1][i] }));
    expect(worstMixing({ summary } as never, 3)).toEqual({ parameters: ['q1', 'q3', 'q5'], note: ' (the 3 of 6 quantities with the largest R-hat)' });
  });
});
