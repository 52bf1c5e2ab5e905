import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { mcmcDiagnostics, mcseSd } from '../../../src/diagnostics/mcmc.js';
import { toChains } from '../../../src/diagnostics/mcmc_rank.js';
import { nutsOptions } from '../../../src/engines/nuts/options.js';
import { runNuts } from '../../../src/engines/nuts/run.js';
import type { EngineResult } from '../../../src/engines/result.js';
import { mean, sd } from '../../../src/math/stats.js';
import { correlatedGaussian2, diagonalGaussian } from './gaussian_density.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { warningText } from '../../../src/results/warning_text.js';

/**
 * Targets with known means and sds. Tolerance fixed in advance: 4 Monte Carlo standard errors (the
 * sampler's own MCSE of the mean, and of the sd), i.e. a false alarm about once in 16,000 comparisons
 * for a correct sampler; the seed is fixed, so the outcome is too.
 */
const K = 4;

function checkRecovery(r: EngineResult, means: readonly number[], sds: readonly number[]): void {
  expect(diagnosticsOf(r.diagnostics, 'mcmc').divergences).toBe(0);
  means.forEach((m, j) => {
    const column = Float64Array.from(r.draws, (d) => d[j]);
    const d = mcmcDiagnostics(column, r.chains!);
    expect(d.rhat, `x[${j + 1}] R-hat`).toBeLessThanOrEqual(1.01);
    expect(Math.abs(mean(column) - m), `x[${j + 1}] mean`).toBeLessThanOrEqual(K * d.mcseMean);
    expect(Math.abs(sd(column) - sds[j]), `x[${j + 1}] sd`).toBeLessThanOrEqual(K * mcseSd(toChains(column, r.chains!), column));
  });
}

describe('NUTS on a correlated 2-D Gaussian (rho = 0.9, sds 1 and 3)', () => {
  const ld = correlatedGaussian2([1, -2], 1, 3, 0.9);
  it.each([false, true])('recovers means and sds within 4 MCSE (dense metric: %s)', (dense) => {
    const r = runNuts(ld, nutsOptions('nuts', 4000, { dense }, createRng(1)));
    expect(r.draws.length).toBe(4000);
    expect(r.chains).toBe(4);
    expect(diagnosticsOf(r.diagnostics, 'mcmc').metric).toBe(dense ? 'dense' : 'diag');
    checkRecovery(r, [1, -2], [1, 3]);
    expect(r.warnings).toEqual([]);
  });

  it('static HMC (--engine hmc) recovers them too', () => {
    const r = runNuts(ld, nutsOptions('hmc', 4000, {}, createRng(3)));
    expect(r.engine).toBe('hmc');
    checkRecovery(r, [1, -2], [1, 3]);
  });
});

describe('NUTS on a 50-D Gaussian of independent coordinates', () => {
  const d = 50;
  const means = Array.from({ length: d }, (_, i) => (i - 25) / 5);
  const sds = Array.from({ length: d }, (_, i) => 0.5 + (i % 5));
  it('recovers every mean and sd within 4 MCSE, with no warnings', () => {
    const r = runNuts(diagonalGaussian(means, sds), nutsOptions('nuts', 4000, {}, createRng(2)));
    checkRecovery(r, means, sds);
    expect(diagnosticsOf(r.diagnostics, 'mcmc').treeDepthHits).toBe(0);
    expect(diagnosticsOf(r.diagnostics, 'mcmc').ebfmiMin).toBeGreaterThan(0.3);
    expect(r.warnings).toEqual([]);
  });
});

describe('determinism', () => {
  const ld = correlatedGaussian2([0, 0], 1, 2, 0.5);
  const opts = (seed: number, chains: number) => nutsOptions('nuts', 60 * chains, { chains, warmup: 60, drawsPerChain: 60 }, createRng(seed));
  it('gives identical draws for the same seed and different ones for another', () => {
    const a = runNuts(ld, opts(7, 2));
    const b = runNuts(ld, opts(7, 2));
    const c = runNuts(ld, opts(8, 2));
    expect(a.draws).toEqual(b.draws);
    expect(a.draws[0][0]).not.toBe(c.draws[0][0]);
  });

  it('makes each chain a function of (seed, chain index) alone: chains do not share a stream', () => {
    const one = runNuts(ld, opts(7, 1));
    const three = runNuts(ld, opts(7, 3));
    expect(three.draws.slice(0, 60)).toEqual(one.draws);
  });

  it('splits the draws asked for over the chains (rounded up); drawsPerChain, the CLI\'s --draws, wins', () => {
    expect(nutsOptions('nuts', 4000, {}, createRng(1)).drawsPerChain).toBe(1000);
    expect(nutsOptions('nuts', 500, {}, createRng(1)).drawsPerChain).toBe(125);
    expect(nutsOptions('nuts', 1001, { chains: 2 }, createRng(1)).drawsPerChain).toBe(501);
    expect(nutsOptions('nuts', 4000, { drawsPerChain: 4000 }, createRng(1)).drawsPerChain).toBe(4000);
  });

  it('rejects an adapt-delta outside (0, 1) as a usage error', () => {
    expect(() => nutsOptions('nuts', 4000, { adaptDelta: 1 }, createRng(1))).toThrow(/adapt-delta/);
  });
});

describe('stopping early (Ctrl-C)', () => {
  const ld = correlatedGaussian2([0, 0], 1, 2, 0.5);
  /** Asks to stop once `after` transitions have been made over all chains. */
  const stopAfter = (after: number): (() => boolean) => {
    let calls = 0;
    return () => ++calls > after;
  };

  it('keeps the chains that have draws, cut to a common length, and says so', () => {
    // Chains run one after another here, polling after every transition: the first makes 100 + 200, the
    // second 100 warm-up transitions and stops after its 80th draw (poll 480), the rest stop at once.
    const r = runNuts(ld, nutsOptions('nuts', 800, { chains: 4, warmup: 100, drawsPerChain: 200 }, createRng(5), { shouldStop: stopAfter(300 + 100 + 79) }));
    expect(r.chains).toBe(2);
    expect(r.draws.length).toBe(2 * 80);
    expect(diagnosticsOf(r.diagnostics, 'mcmc').interrupted).toBe(true);
    expect(diagnosticsOf(r.diagnostics, 'mcmc').drawsPerChain).toBe(80);
    expect(r.warnings.map(warningText)[0]).toBe('interrupted: the summary is of 2 of 4 chains, cut to the first 80 of 200 draws each');
    // The draws kept are those an uninterrupted run makes.
    const full = runNuts(ld, nutsOptions('nuts', 400, { chains: 2, warmup: 100, drawsPerChain: 200 }, createRng(5)));
    expect(r.draws.slice(0, 80)).toEqual(full.draws.slice(0, 80));
    expect(r.draws.slice(80)).toEqual(full.draws.slice(200, 280));
  });

  it('fails with a plain error when no chain got past warm-up', () => {
    expect(() => runNuts(ld, nutsOptions('nuts', 200, { chains: 2, warmup: 100 }, createRng(5), { shouldStop: stopAfter(50) })))
      .toThrow('stopped during warm-up: no chain had 10 post-warm-up draws yet');
  });
});
