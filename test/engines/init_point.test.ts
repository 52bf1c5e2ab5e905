import { describe, expect, it } from 'vitest';
import { inferFit, type EngineName } from '../../src/api/infer.js';
import { compile } from '../../src/api/compile.js';
import { InferenceError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import { initialPoint } from '../../src/engines/init_point.js';
import { compileText } from '../helpers.js';
import { densityFrom } from './synthetic_density.js';

const csv = 'y,x\n1,0.5\n3,1.5\n2,-0.3\n0,-1.1\n';
/** Every engine, with settings that keep the successful runs short. */
const ENGINES: [string, EngineName, Record<string, unknown>][] = [
  ['laplace', 'laplace', {}], ['laplace --ml', 'laplace', {}], ['advi', 'advi', {}], ['fullrank', 'fullrank', {}],
  ['nuts', 'nuts', { chains: 1, warmup: 50, drawsPerChain: 20 }], ['hmc', 'hmc', { chains: 1, warmup: 50, drawsPerChain: 20 }],
];

async function failure(model: ReturnType<typeof compileText>, engine: EngineName, settings: Record<string, unknown>): Promise<InferenceError> {
  try {
    await inferFit(model, { engine, settings, draws: 50 });
  } catch (e) {
    expect(e).toBeInstanceOf(InferenceError);
    return e as InferenceError;
  }
  throw new Error('expected an inference error');
}

describe('a log density that is not finite at any starting point', () => {
  // exp(1000 + b^2) overflows wherever a start can land: the Poisson term is -Infinity. (With 1000 + b, a
  // count model's start from its Poisson GLM, b = -999, is finite: compiler/latent/count_start.ts.)
  const source = 'data { y: count }\nparameters { b ~ Normal(0, 1) }\nmodel {\n  y ~ Poisson(log_rate = 1000 + b * b)\n}';
  const overflow = compileText(source, csv);
  const overflowMl = compile(source, { fileName: 'test.glmm', data: { text: csv, file: 'test.csv' }, ml: true });

  it('laplace retries from seeded random points, then names the term, its place, the data row and the parameter', async () => {
    const e = await failure(overflow, 'laplace', {});
    expect(e.code).toBe('E510');
    expect(e.message).toBe('no starting point with a finite log density and gradient (tried theta = 0, then 100 random points U(-2, 2) on the ' +
      "unconstrained scale); at all unconstrained parameters at 0 the log density is -Infinity: the likelihood 'y ~ Poisson' at test.glmm:4:7 " +
      'is -Infinity at data row 1 of test.csv (y = 1, log_rate = 1000), where b = 0');
  });

  for (const [label, engine, settings] of ENGINES) {
    it(`${label}: E510, naming the likelihood statement and b`, async () => {
      const e = await failure(label.endsWith('--ml') ? overflowMl : overflow, engine, settings);
      expect(e.code).toBe('E510');
      expect(e.message).toMatch(/the likelihood 'y ~ Poisson' at test\.glmm:4:7 is -Infinity at data row 1 of test\.csv \(y = 1, log_rate = 100\d(\.\d+)?\), where b = -?[\d.]+$/);
    });
  }

  it('NaN is reported as NaN, with the argument that made it', async () => {
    const nan = compileText('data { y: count }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(rate = sqrt(b - 5) + 1) }', csv);
    const e = await failure(nan, 'nuts', { chains: 1, warmup: 10, drawsPerChain: 10 });
    expect(e.message).toMatch(/the log density is NaN: the likelihood 'y ~ Poisson' at test\.glmm:3:13 is NaN at data row 1 of test\.csv \(y = 1, rate = NaN\), where b = /);
  });

  it('a prior term is named with its arguments and the parameter values', async () => {
    // sigma = exp(theta) underflows to 0 far below: Normal(0, 0) has no density (-Infinity + Infinity = NaN).
    const m = compileText('parameters { sigma ~ HalfNormal(1)\n  u ~ Normal(0, sigma) }');
    const ld = await m.logDensity({ backend: 'js' });
    expect(ld.explainNonFinite!(Float64Array.of(-800, 1))).toBe(
      "the prior 'u ~ Normal(mu = 0, sigma = 0)' (u declared at test.glmm:2:3) is NaN at u = 1, sigma = 0");
    expect(ld.explainNonFinite!(Float64Array.of(0, 1))).toBeUndefined();
  });

  it('the reduced data and the tfjs graph explain on the rows the user wrote', async () => {
    expect(overflow.reduction.path).not.toBe('rowwise');
    for (const backend of ['js', 'tfjs'] as const) {
      const ld = await overflow.logDensity({ backend });
      expect(ld.explainNonFinite!(new Float64Array(1))).toMatch(/^the likelihood 'y ~ Poisson' at test\.glmm:4:7 is -Infinity at data row 1 of test\.csv/);
      ld.dispose();
    }
  });
});

describe('the shared starting point', () => {
  it('moves off theta = 0 when the log density is undefined there, the same way for the same seed', async () => {
    // log(b) needs b > 0: theta = 0 is on the edge, a random start finds the posterior.
    const m = compileText('data { y: count }\nparameters { b ~ Normal(1, 1) }\nmodel { y ~ Poisson(log_rate = log(b)) }', csv);
    const a = await inferFit(m, { engine: 'laplace', seed: 3, draws: 50 });
    const b = await inferFit(m, { engine: 'laplace', seed: 3, draws: 50 });
    expect(a.summary[0].mean).toBeGreaterThan(0.5);
    expect(a.draws).toEqual(b.draws);
  });

  it('names the coordinate whose derivative is not finite when the value is', () => {
    const ld = densityFrom(2, (t) => ({ value: -0.5 * (t[0] ** 2 + t[1] ** 2), grad: Float64Array.of(-t[0], NaN) }));
    expect(() => initialPoint(ld, createRng(1), { first: new Float64Array(2), tries: 3 })).toThrow(
      "no starting point with a finite log density and gradient (tried theta = 0, then 3 random points U(-2, 2) on the unconstrained scale); " +
      "at all unconstrained parameters at 0 the log density is finite (0) but its derivative in 'x[2]' is NaN");
  });

  it('takes theta = 0 when it works and draws nothing from the stream', () => {
    const ld = densityFrom(2, (t) => ({ value: -0.5 * (t[0] ** 2 + t[1] ** 2), grad: Float64Array.of(-t[0], -t[1]) }));
    const rng = createRng(5);
    expect(Array.from(initialPoint(ld, rng, { first: new Float64Array(2) }).theta)).toEqual([0, 0]);
    expect(rng.uniform()).toBe(createRng(5).uniform());
  });
});
