import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { InferenceError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { runVi } from '../../src/engines/vi/run.js';
import { DEFAULT_VI } from '../../src/engines/vi/settings.js';
import { compileText, loadRepoModel } from '../helpers.js';
import { densityFrom } from './synthetic_density.js';
import { diagnosticsOf } from '../../src/engines/diagnostics.js';
import { messages } from '../../src/core/warning.js';

async function viFailure(run: () => unknown): Promise<InferenceError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(InferenceError);
    return e as InferenceError;
  }
  throw new Error('expected an inference error');
}

describe('NUTS divergences are reported, never hidden', () => {
  it('the centered eight schools: the count in the diagnostics and a warning that says what to do', async () => {
    const fit = await inferFit(loadRepoModel('eight_schools.glmm'), { engine: 'nuts', seed: 1, settings: { chains: 2, warmup: 150, drawsPerChain: 150, parametrisation: 'as-written' } });
    const n = diagnosticsOf(fit.diagnostics, 'mcmc').divergences;
    expect(n).toBeGreaterThan(0);
    const w = messages(fit.warnings).filter((x) => x.includes('were divergent'));
    expect(w).toEqual([expect.stringMatching(new RegExp(`^${n} of 300 transitions after warm-up were divergent: .* Raise --adapt-delta`))]);
  });
});

describe('variational inference that diverges is stopped and reported', () => {
  it('SGD with a learning rate far too large: E508 at the step it lost the log density, with the last finite ELBO', async () => {
    const m = loadRepoModel('eight_schools_nc.glmm');
    const e = await viFailure(() => inferFit(m, { engine: 'advi', draws: 50, settings: { optimizer: 'sgd', lr: 10 } }));
    expect(e.code).toBe('E508');
    expect(e.message).toMatch(/^variational inference diverged at step \d+ \(sgd, learning rate [\d.]+\): no Monte Carlo draw had a finite log density for 200 steps; the last finite windowed ELBO was -?[\d.e+]+, at step \d+$/);
    expect(e.hint).toContain('lower --lr');
  });

  it('a step that overflows the Gaussian\'s parameters themselves: E508 at once', async () => {
    // Finite values but enormous finite gradients everywhere (no density, a stress test of the update):
    // an SGD step of 1000 x 1e307 sends the mean past the largest double.
    const steep = densityFrom(1, (t) => ({ value: 1e307 * Math.sin(t[0]), grad: Float64Array.of(1e307 * Math.cos(t[0])) }));
    const settings = { ...DEFAULT_VI, init: 'random' as const, optimizer: 'sgd' as const, lr: 1000 };
    const e = await viFailure(() => runVi(steep, 'meanfield', { rng: createRng(1), draws: 50, psis: false, settings }));
    expect(e.code).toBe('E508');
    expect(e.message).toMatch(/^variational inference diverged at step 1 \(sgd, learning rate 1000\): the step overflowed the Gaussian's parameters/);
  });

  it('a log density never finite where q starts: E504 after 200 steps, naming the term', async () => {
    const m = compileText('data { y: count }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = 1000 + b) }', 'y\n1\n2\n');
    const e = await viFailure(() => inferFit(m, { engine: 'advi', draws: 50, settings: { init: 'random' } }));
    expect(e.code).toBe('E504');
    expect(e.message).toMatch(/^variational inference failed: the log density was not finite at any Monte Carlo draw in the first 200 steps; at the Gaussian's mean, the likelihood 'y ~ Poisson' at test\.glmm:3:13 is -Infinity/);
  });
});
