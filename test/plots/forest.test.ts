import { describe, expect, it } from 'vitest';
import { FOREST_MAX_PARAMETERS, FOREST_MAX_ROWS, forestRows, forestSpec } from '../../src/plots/forest.js';
import { compileAndRender, inlineValues } from './spec_check.js';

const summary = (shift: number) => [
  { name: 'sigma', mean: 0.5 + shift, q2_5: 0.2, q97_5: 0.9 },
  { name: 'beta[a]', mean: -1 + shift, q2_5: -2, q97_5: 0 },
  { name: 'beta[b]', mean: 2 + shift, q2_5: 1, q97_5: 3 },
];

describe('forestSpec', () => {
  const rows = [...forestRows('laplace', 'laplace', summary(0)), ...forestRows('advi seed 1', 'advi', summary(0.1)), ...forestRows('advi seed 2', 'advi', summary(0.2))];

  it('has one panel per block of parameters, each holding every fit of its parameters', () => {
    const spec = forestSpec(rows) as unknown as { vconcat: object[] };
    expect(spec.vconcat).toHaveLength(2);
    const beta = inlineValues(spec.vconcat[1]);
    expect(beta).toHaveLength(6);
    expect(beta.map((r) => r.parameter)).toEqual(['beta[a]', 'beta[b]', 'beta[a]', 'beta[b]', 'beta[a]', 'beta[b]']);
    expect(beta[2]).toEqual({ parameter: 'beta[a]', fit: 'advi seed 1', engine: 'advi', mean: -0.9, lo: -2, hi: 0, ruleOpacity: 1, dotOpacity: 1 });
    expect((spec.vconcat[1] as { encoding: { yOffset: { field: string } } }).encoding.yOffset.field).toBe('fit');
  });

  it('compiles and renders without warnings, with the names and engines in the picture', async () => {
    const { warnings, svg } = await compileAndRender(forestSpec(rows, 'my title'));
    expect(warnings).toEqual([]);
    for (const text of ['my title', 'sigma', 'beta[a]', 'beta[b]', 'laplace', 'advi']) expect(svg).toContain(`>${text}<`);
  });

  it('with many runs, overlays the runs of an engine in its row, faded; a single fit stays solid', async () => {
    const many = [...forestRows('laplace', 'laplace', summary(0)),
      ...Array.from({ length: FOREST_MAX_ROWS }, (_, k) => forestRows(`nuts seed ${k + 1}`, 'nuts', summary(k / 100))).flat()];
    const spec = forestSpec(many) as unknown as { vconcat: { encoding: { yOffset: { field: string } } }[] };
    expect(spec.vconcat[0].encoding.yOffset.field).toBe('engine');
    const sigma = inlineValues(spec.vconcat[0]);
    expect(sigma).toHaveLength(1 + FOREST_MAX_ROWS);
    expect(sigma[0]).toMatchObject({ engine: 'laplace', ruleOpacity: 1, dotOpacity: 1 });
    expect(sigma[1]).toMatchObject({ engine: 'nuts', ruleOpacity: 1 / Math.sqrt(FOREST_MAX_ROWS), dotOpacity: 0.6 });
    expect((await compileAndRender(forestSpec(many))).warnings).toEqual([]);
  });

  it('keeps the first FOREST_MAX_PARAMETERS parameters and says so in the title', () => {
    const many = Array.from({ length: FOREST_MAX_PARAMETERS + 5 }, (_, i) => ({ name: `u[${i}]`, mean: i, q2_5: i - 1, q97_5: i + 1 }));
    const spec = forestSpec(forestRows('nuts', 'nuts', many), 't') as unknown as { title: { text: string }; vconcat: object[] };
    expect(spec.title.text).toBe(`t (first ${FOREST_MAX_PARAMETERS} of ${FOREST_MAX_PARAMETERS + 5} quantities)`);
    expect(inlineValues(spec.vconcat[0])).toHaveLength(FOREST_MAX_PARAMETERS);
  });
});
