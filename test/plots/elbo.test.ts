import { describe, expect, it } from 'vitest';
import { elboSpec } from '../../src/plots/elbo.js';
import { compileAndRender, inlineValues } from './spec_check.js';

describe('elboSpec', () => {
  it('draws one line per run and leaves out windows without a finite ELBO', async () => {
    const spec = elboSpec([
      { run: 'seed 1', step: [50, 100, 150], elbo: [-Infinity, -120.5, -110.25] },
      { run: 'seed 2', step: [50, 100], elbo: [-130, -111] },
    ]);
    expect(inlineValues(spec)).toEqual([
      { run: 'seed 1', step: 100, elbo: -120.5 }, { run: 'seed 1', step: 150, elbo: -110.25 },
      { run: 'seed 2', step: 50, elbo: -130 }, { run: 'seed 2', step: 100, elbo: -111 },
    ]);
    const { warnings, svg } = await compileAndRender(spec);
    expect(warnings).toEqual([]);
    expect(svg).toContain('>seed 2<');
  });
});
