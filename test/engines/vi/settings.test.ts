import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../../src/core/errors.js';
import { DEFAULT_VI, TFP_RECIPE, parseViSettings } from '../../../src/engines/vi/settings.js';

describe('VI settings', () => {
  it('defaults, ignoring other engines\' settings and unset values', () => {
    expect(parseViSettings({ chains: 4, warmup: 1000, lr: undefined })).toEqual(DEFAULT_VI);
  });

  it('the TFP recipe: adam, lr 1e-2, 10,000 steps, 2 draws, random init, no averaging', () => {
    expect(parseViSettings({ viRecipe: 'tfp' })).toMatchObject({ optimizer: 'adam', lr: 0.01, steps: 10000, mcDraws: 2, init: 'random', average: false });
    expect(TFP_RECIPE.recipe).toBe('tfp');
  });

  it('individual settings override the recipe', () => {
    expect(parseViSettings({ viRecipe: 'tfp', average: true, mcDraws: 16 })).toMatchObject({ init: 'random', average: true, mcDraws: 16 });
    expect(parseViSettings({ lr: '0.1', steps: 300, optimizer: 'sgd', init: 'random' })).toMatchObject({ lr: 0.1, steps: 300, optimizer: 'sgd', init: 'random' });
  });

  it.each([
    [{ lr: 0 }, 'lr must be a number > 0'],
    [{ steps: 2.5 }, 'steps must be an integer >= 1'],
    [{ mcDraws: 'many' }, 'mcDraws must be an integer >= 1'],
    [{ init: 'prior' }, 'init must be one of mode, random'],
    [{ viRecipe: 'stan' }, 'viRecipe must be one of glimmer, tfp'],
    [{ average: 'no' }, 'average must be true or false'],
  ])('rejects %j as a usage error (E410) with a hint', (raw, hint) => {
    try {
      parseViSettings(raw);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GlimmerError);
      const d = (e as GlimmerError).diagnostics[0];
      expect(d.code).toBe('E410');
      expect(d.hint).toContain(hint);
    }
  });
});
