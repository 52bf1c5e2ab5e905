import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { DENSITY_MAX_PANELS, densitySpec } from '../../src/plots/density.js';
import { compileAndRender, inlineValues } from './spec_check.js';

const draws = (n: number, seed: number): Float64Array => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
};

describe('densitySpec', () => {
  it('draws one curve per parameter and group, and renders without warnings', async () => {
    const series = [
      { parameter: 'mu', group: 'nuts', values: draws(500, 1) },
      { parameter: 'mu', group: 'advi', values: draws(500, 2) },
      { parameter: 'tau', group: 'nuts', values: draws(500, 3).map(Math.exp) },
    ];
    const spec = densitySpec(series);
    const values = inlineValues(spec);
    const curves = new Set(values.map((v) => `${v.parameter}/${v.group}`));
    expect([...curves]).toEqual(['mu/nuts', 'mu/advi', 'tau/nuts']);
    // tau = exp(normal) > 0: its curve starts where its draws do (minus the kernel's reach), not at zero.
    expect(values.filter((v) => v.parameter === 'tau').every((v) => Number.isFinite(v.density) && (v.density as number) >= 0)).toBe(true);
    const { warnings, svg } = await compileAndRender(spec);
    expect(warnings).toEqual([]);
    expect(svg).toContain('>tau<');
  });

  it('caps the grid at DENSITY_MAX_PANELS panels and says so', () => {
    const series = Array.from({ length: DENSITY_MAX_PANELS + 1 }, (_, i) => ({ parameter: `u[${i}]`, group: 'laplace', values: draws(50, i) }));
    const spec = densitySpec(series, 'd') as unknown as { title: { text: string } };
    expect(spec.title.text).toBe(`d (first ${DENSITY_MAX_PANELS} of ${DENSITY_MAX_PANELS + 1} quantities)`);
    expect(new Set(inlineValues(spec).map((v) => v.parameter)).size).toBe(DENSITY_MAX_PANELS);
  });
});
