import { describe, expect, it } from 'vitest';
import { smallData, smallModel } from '../../src/cli/chains/small_model.js';
import { loadModel } from '../../src/io/load_model.js';
import { ROOT } from '../helpers.js';

describe('which models run their MCMC chains in the main thread by default', () => {
  it('the eight schools and the small-model bench set, not ZEB2', () => {
    for (const f of ['models/eight_schools.glmm', 'models/eight_schools_nc.glmm', 'bench/models/poisson_years.glmm', 'bench/models/cbpp.glmm']) {
      expect(smallData(`${ROOT}${f}`), f).toBe(true);
      expect(smallModel(loadModel(`${ROOT}${f}`)), f).toBe(true);
    }
    // 68,627 rows in a 1 MB file: the workers start before the model is loaded, as they always did.
    expect(smallData(`${ROOT}models/zeb2.glmm`)).toBe(false);
    expect(smallModel(loadModel(`${ROOT}models/zeb2.glmm`))).toBe(false);
  });

  it('a model it cannot read counts as small: loading it reports the problem', () => {
    expect(smallData(`${ROOT}models/no_such_model.glmm`)).toBe(true);
  });
});
