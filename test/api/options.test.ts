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
      "E421: unknown setting 'chians'; did you mean 'chains'?",
      "E421: unknown setting 'warmUp'; did you mean 'warmup'?",
    ]);
  });
  it('lists the known keys when nothing is close, and sends ml/reml to compile()', async () => {
    expect(await problems({ iterations: 5 })).toEqual([
      "E421: unknown option of infer() 'iterations'; the options of infer(): engine, seed, draws, psis, backend, settings, runs, contrasts",
    ]);
    expect(await problems({ ml: true })).toEqual(["E421: unknown option of infer() 'ml'; ml is an option of compile(): compile(source, { ml: true })"]);
  });
  it('refuses a number of draws the CLI would refuse, before fitting, where PSIS threw a RangeError', async () => {
    for (const draws of [0, 5, 100.5, -1]) {
      expect(await problems({ engine: 'laplace', draws })).toEqual([`E411: draws must be an integer >= 10, got ${draws}; leave draws out for the default, 4000`]);
    }
  });
});
