import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { GlimmerError } from '../../src/core/errors.js';
import { loadRepoModel } from '../helpers.js';

const problems = async (options: object): Promise<string[]> => {
  try {
    await inferFit(loadRepoModel('eight_schools_nc.glmm'), options);
  } catch (e) {
    if (e instanceof GlimmerError) return e.diagnostics.map((d) => `${d.code}: ${d.message}; ${d.hint}`);
    throw e;
  }
  return [];
};

// The library checks its options bag as the CLI checks its flags.
describe('infer() options', () => {
  it('refuses a misspelt option or setting, with a suggestion, before fitting', async () => {
    expect(await problems({ engine: 'laplace', drawz: 10 })).toEqual(["E421: unknown option of infer() 'drawz'; did you mean 'draws'?"]);
    expect(await problems({ engine: 'nuts', settings: { chians: 4, warmUp: 10 } })).toEqual([
      "E421: unknown setting of nuts 'chians'; did you mean 'chains'?",
      "E421: unknown setting of nuts 'warmUp'; did you mean 'warmup'?",
    ]);
  });
  it("refuses another engine's setting, a callback among the settings, and a misspelt hook", async () => {
    expect(await problems({ engine: 'laplace', settings: { chains: 4 } })).toEqual(["E421: unknown setting of laplace 'chains'; 'chains' is a setting of nuts, hmc"]);
    expect(await problems({ engine: 'advi', settings: { chains: 4, lr: 0.1 } })).toEqual(["E421: unknown setting of advi 'chains'; 'chains' is a setting of nuts, hmc"]);
    expect(await problems({ engine: 'nuts', settings: { progress: () => undefined } })).toEqual([
      "E421: unknown setting of nuts 'progress'; a callback goes in hooks: onProgress, shouldStop, chains",
    ]);
    expect(await problems({ engine: 'nuts', hooks: { onProgres: () => undefined } })).toEqual(["E421: unknown hook 'onProgres'; did you mean 'onProgress'?"]);
  });
  it('types each engine\'s settings, so that a misspelt one does not compile', () => {
    const model = loadRepoModel('eight_schools_nc.glmm');
    // Not run (the checks above run them): the compiler refusing these lines is the test (npm run typecheck).
    const typed = (): unknown[] => [
      // @ts-expect-error chians is not a setting of nuts
      inferFit(model, { engine: 'nuts', settings: { chians: 4 } }),
      // @ts-expect-error chains is a setting of nuts, not of laplace
      inferFit(model, { engine: 'laplace', settings: { chains: 4 } }),
      // @ts-expect-error lr is a number
      inferFit(model, { engine: 'advi', settings: { lr: 'fast' } }),
      inferFit(model, { engine: 'nuts', settings: { chains: 2, adaptDelta: 0.9 }, hooks: { onProgress: (e) => e.kind } }),
    ];
    expect(typeof typed).toBe('function');
  });
  it('lists the known keys when nothing is close, and sends ml/reml to compile()', async () => {
    expect(await problems({ iterations: 5 })).toEqual([
      "E421: unknown option of infer() 'iterations'; the options of infer(): engine, seed, draws, psis, backend, settings, hooks, runs, contrasts",
    ]);
    expect(await problems({ ml: true })).toEqual(["E421: unknown option of infer() 'ml'; ml is an option of compile(): compile(source, { ml: true })"]);
  });
  it('refuses a number of draws the CLI would refuse, before fitting, where PSIS threw a RangeError', async () => {
    for (const draws of [0, 5, 100.5, -1]) {
      expect(await problems({ engine: 'laplace', draws })).toEqual([`E411: draws must be an integer >= 10, got ${draws}; leave draws out for the default, 4000`]);
    }
  });
});
