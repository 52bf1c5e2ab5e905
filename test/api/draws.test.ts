import { describe, expect, it } from 'vitest';
import { infer } from '../../src/api/posterior.js';
import { loadRepoModel } from '../helpers.js';

// One meaning for `draws` in the library: how many come back in all, whatever the engine.
describe('draws: the total for every engine', () => {
  it.each(['laplace', 'advi', 'nuts'] as const)('%s returns the draws asked for', async (engine) => {
    const fit = await infer(loadRepoModel('eight_schools_nc.glmm'), { engine, seed: 2, draws: 2000, settings: engine === 'nuts' ? { warmup: 150 } : {} });
    expect(fit.draws('mu').length).toBe(2000);
  });

  it('nuts splits them over its chains (rounded up) and defaults to Stan\'s 4 x 1000', async () => {
    const model = loadRepoModel('eight_schools_nc.glmm');
    expect((await infer(model, { engine: 'nuts', seed: 2, draws: 1001, settings: { warmup: 150 } })).draws('mu').length).toBe(4 * 251);
    const byDefault = await infer(model, { engine: 'nuts', seed: 2, settings: { warmup: 150, chains: 2 } });
    expect(byDefault.draws('mu').length).toBe(4000);
  });
});
