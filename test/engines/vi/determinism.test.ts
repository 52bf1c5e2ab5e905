import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { createRng } from '../../../src/core/rng.js';
import { runVi } from '../../../src/engines/vi/run.js';
import { DEFAULT_VI } from '../../../src/engines/vi/settings.js';
import { compileText } from '../../helpers.js';
import { gaussianTarget } from './gaussian_target.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

// y ~ Poisson(exp(a + b x)), a few rows: a small non-Gaussian posterior, through the compiler and the API.
const csv = ['y,x', '3,0.1', '0,-1.2', '5,0.8', '2,0.3', '7,1.5', '1,-0.4', '4,0.9', '0,-2.0'].join('\n');
const model = compileText(`data { y: count  x: real } parameters { a ~ Normal(0, 2)  b ~ Normal(0, 2) } model { y ~ Poisson(log_rate = a + b * x) }`, csv);

describe('VI determinism', () => {
  for (const engine of ['advi', 'fullrank'] as const) {
    it(`${engine}: the same seed gives bit-identical draws and diagnostics, another seed other draws`, async () => {
      const a = await inferFit(model, { engine, seed: 7, draws: 200 });
      const b = await inferFit(model, { engine, seed: 7, draws: 200 });
      const c = await inferFit(model, { engine, seed: 8, draws: 200 });
      expect(a.draws).toEqual(b.draws);
      expect(a.diagnostics).toEqual(b.diagnostics);
      expect(a.summary).toEqual(b.summary);
      expect(a.draws[0]).not.toEqual(c.draws[0]);
      expect(diagnosticsOf(a.diagnostics, 'vi').stopReason).toBe('converged');
    });
  }

  it('with the TFP recipe too (random start from the same seed)', () => {
    const run = (seed: number) => runVi(gaussianTarget([1, 2], [[1, 0], [0, 1]]), 'meanfield',
      { rng: createRng(seed), draws: 50, psis: false, settings: { ...DEFAULT_VI, init: 'random', average: false, steps: 200 } });
    expect(run(3).gaussian).toEqual(run(3).gaussian);
    expect(run(3).gaussian!.mean).not.toEqual(run(4).gaussian!.mean);
  });
});
