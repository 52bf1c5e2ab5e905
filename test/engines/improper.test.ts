import { describe, expect, it } from 'vitest';
import { inferFit, type EngineName } from '../../src/api/infer.js';
import { GlimmerError, InferenceError } from '../../src/core/errors.js';
import { samplerWarnings, type SamplerSummary } from '../../src/engines/nuts/report.js';
import { compileText, loadRepoModel } from '../helpers.js';
import { messages } from '../../src/core/warning.js';
import { warningText } from '../../src/results/warning_text.js';

const counts = 'y,x\n1,0.5\n3,1.5\n2,-0.3\n0,-1.1\n4,0.8\n';
// Complete separation: y = 1 exactly where x > 0, so the likelihood keeps rising as b grows.
const separated = 'y,x\n0,-1.5\n0,-0.7\n0,-0.2\n1,0.3\n1,0.9\n1,1.4\n';

async function failure(source: string, csv: string, engine: EngineName): Promise<InferenceError> {
  try {
    await inferFit(compileText(source, csv), { engine, draws: 50 });
  } catch (e) {
    expect(e).toBeInstanceOf(InferenceError);
    return e as InferenceError;
  }
  throw new Error('expected an inference error');
}

describe('an improper posterior, found before inference where the model shows it', () => {
  it('a parameter with no prior that nothing reads is a located error (E216)', () => {
    try {
      compileText('data { y: count }\nparameters {\n  b ~ Normal(0, 1)\n  c\n}\nmodel { y ~ Poisson(log_rate = b) }', counts);
      throw new Error('expected a compile error');
    } catch (e) {
      expect(e).toBeInstanceOf(GlimmerError);
      const d = (e as GlimmerError).diagnostics;
      expect(d).toHaveLength(1);
      expect(d[0]).toMatchObject({ code: 'E216', span: { line: 4, col: 3 } });
      expect(d[0].message).toBe("parameter 'c' is not identified: it has no prior and no term of the model depends on it, so its posterior is flat and improper");
    }
  });

  it('a flat parameter on an interval is a proper uniform, and a flat one the data read is left to the engines', () => {
    expect(() => compileText('data { y: count }\nparameters { b ~ Normal(0, 1)\n  p: bounded(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }', counts)).not.toThrow();
    expect(() => compileText('data { y: count }\nparameters { b }\nmodel { y ~ Poisson(log_rate = b) }', counts)).not.toThrow();
  });
});

describe('an improper posterior, found at the mode by the Laplace and VI engines', () => {
  // Only a + b is identified: the log density is exactly level along a - b.
  const ridge = 'data { y: count }\nparameters { a\n  b }\nmodel { y ~ Poisson(log_rate = a + b) }';
  const flatSlope = 'data { y: binary  x: real }\nparameters { a ~ Normal(0, 1)\n  b }\nmodel { y ~ Bernoulli(logit = a + b * x) }';

  for (const engine of ['laplace', 'advi', 'fullrank'] as const) {
    it(`${engine}: two parameters of which the data identify only the sum (E506)`, async () => {
      const e = await failure(ridge, counts, engine);
      expect(e.code).toBe('E506');
      expect(e.message).toMatch(/^the posterior is improper: along 'a', 'b' the log density is level \(it changes by [-\d.e]+ between the mode and a point [\d.]+ away/);
      expect(e.hint).toContain("give 'a', 'b' a proper prior");
    });
  }

  it('laplace: a flat prior on a coefficient under complete separation (E506, naming it)', async () => {
    const e = await failure(flatSlope, separated, 'laplace');
    expect(e.code).toBe('E506');
    // How far the probe looked depends on where the optimizer stopped on the level slope (nested Laplace's
    // Newton steps go further than L-BFGS did): the verdict and the name are what matter.
    expect(e.message).toMatch(/^the posterior is improper: along 'b' the log density is level .* a point [\d.e+]+ away in the unconstrained parameters/);
  });

  it('no false alarm on weakly identified but proper parameters (vague Normal and Cauchy priors nothing else informs)', async () => {
    const vague = compileText('data { y: count }\nparameters { b ~ Normal(0, 1)\n  c ~ Normal(0, 1000)\n  d ~ Cauchy(0, 10000) }\n' +
      'model { y ~ Poisson(log_rate = b) }', counts);
    const fit = await inferFit(vague, { engine: 'laplace', draws: 200 });
    const sd = Object.fromEntries(fit.summary.map((r) => [r.name, r.sd]));
    expect(sd.c).toBeGreaterThan(800);
    expect(sd.d).toBeGreaterThan(5000);
    await expect(inferFit(loadRepoModel('eight_schools_nc.glmm'), { engine: 'laplace', draws: 100 })).resolves.toBeDefined();
  });
});

describe('an improper posterior under NUTS: a parameter drifting without bound', () => {
  it('is reported with how far it went, and a proper funnel is not', async () => {
    const m = compileText('data { y: binary  x: real }\nparameters { a ~ Normal(0, 1)\n  b }\nmodel { y ~ Bernoulli(logit = a + b * x) }', separated);
    const fit = await inferFit(m, { engine: 'nuts', seed: 1, settings: { chains: 2, warmup: 200, drawsPerChain: 100 } });
    const drift = messages(fit.warnings).filter((w) => w.includes('drifts without bound'));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatch(/in 2 of 2 chains its draws spread over up to [\d.]+e\+\d+ times the variance warm-up measured, reaching [\d.]+e\+\d+; the posterior is probably improper/);
    const funnel = await inferFit(loadRepoModel('eight_schools.glmm'), { engine: 'nuts', seed: 1, settings: { chains: 2, warmup: 200, drawsPerChain: 100 } });
    expect(messages(funnel.warnings).some((w) => w.includes('drifts'))).toBe(false);
  });

  it('names the parameter when given the names', () => {
    const s: SamplerSummary = {
      divergences: 0, treeDepthHits: 0, transitions: 200, ebfmi: [1, 1], meanAcceptStat: 0.8, leapfrogs: 1000,
      drift: [{ index: 1, chains: 2, ofChains: 2, ratio: 5.7e6, largest: 3.2e9 }],
    };
    const [w] = samplerWarnings(s, 10, ['a', 'b']);
    expect(w.code).toBe('improper-drift');
    expect(w.params).toEqual(['b']);
    expect(w.figures).toEqual({ chains: 2, ofChains: 2, varianceRatio: 5.7e6, largest: 3.2e9 });
    expect(warningText(w)).toBe("'b' drifts without bound: in 2 of 2 chains its draws spread over up to 5.7e+6 times the variance " +
      'warm-up measured, reaching 3.2e+9; the posterior is probably improper (a flat prior on a parameter the data do not bound, e.g. complete ' +
      'separation), and these draws describe no distribution. Give it a proper prior.');
  });
});
