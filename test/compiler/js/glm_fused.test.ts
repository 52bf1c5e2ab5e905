import { describe, expect, it } from 'vitest';
import { fuseGlm } from '../../../src/compiler/js/glm_fused.js';
import { compileText, loadRepoModel } from '../../helpers.js';
import { csv, header, models } from '../family_models.js';

/** Which likelihoods take the fused path; its numbers are checked with every family in js_emitter.test.ts. */
describe('fuseGlm', () => {
  it('fuses ZEB2 reduced to cells: two gathered parameters and a data offset', () => {
    const ir = loadRepoModel('zeb2.glmm').ir;
    const f = fuseGlm(ir, ir.likelihoods[0])!;
    expect(f).toBeDefined();
    expect(f.blocks).toHaveLength(1);
    expect(f.blocks[0].terms.map((t) => ir.params[t.param].name)).toEqual(['beta', 'u']);
    expect(typeof f.blocks[0].offset).not.toBe('number');
  });

  it('cuts 68,627 rows into blocks of 4096 that cover every row once', () => {
    const ir = loadRepoModel('zeb2.glmm').rowwiseIr;
    const f = fuseGlm(ir, ir.likelihoods[0])!;
    expect(f.blocks.map((b) => b.n)).toEqual([...Array(16).fill(4096), 68_627 - 16 * 4096]);
    expect(f.blocks.reduce((s, b) => s + b.y.length, 0)).toBe(68_627);
  });

  it.each([['poisson', true], ['bernoulli', true], ['binomial', true], ['negbin', false], ['normal', false], ['poissonRate', false]])(
    '%s: fused %s', (name, fused) => {
      const ir = compileText(`${header}\n${models[name]}`, csv).rowwiseIr;
      expect(fuseGlm(ir, ir.likelihoods[0]) !== undefined).toBe(fused);
    });
});
