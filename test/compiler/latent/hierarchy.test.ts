import { describe, expect, it } from 'vitest';
import { compileText } from '../../helpers.js';
import { hierarchiesOf } from '../../../src/compiler/latent/hierarchy.js';
import type { Hierarchy } from '../../../src/core/log_density.js';

const csv = ['y,x,w,g,h', ...Array.from({ length: 24 }, (_, i) => `${(i * 7) % 5},${(i % 6) / 3},${i % 5},g${i % 4},h${i % 3}`)].join('\n');
const data = 'data { y: count  x: real  w: real  g: factor  h: factor }';

/** The hierarchies of a model, their coordinates named by the parameters' theta names. */
function blocks(source: string) {
  const m = compileText(`${data}\n${source}`, csv);
  const names = m.ir.params.flatMap((p) => Array.from({ length: p.size }, () => p.name));
  const name = (c: number): string => (c < 0 ? '-' : names[c]);
  return hierarchiesOf(m.ir).map((b: Hierarchy) => ({
    effects: b.effects.map((e) => `${name(e[0])} x${e.length}`), written: b.written, scales: b.scales.map(name),
    locations: b.locations.map(name), locationIn: b.locationIn, correlation: name(b.correlation),
  }));
}

describe('the hierarchies a sampler may reparametrise', () => {
  it('a formula\'s correlated block: standardised effects, the fixed effects of the same columns as locations', () => {
    expect(blocks('model { y ~ poisson(1 + x + (1 + x | g)) }')).toEqual([{
      effects: ['z_g_Intercept x4', 'z_g_x x4'], written: 'standardised', scales: ['sd_g_Intercept', 'sd_g_x'],
      locations: ['b_Intercept', 'b_x'], locationIn: 'predictor', correlation: 'cor_g',
    }]);
  });

  it('crossed intercepts: the fixed intercept is the location of the first term only', () => {
    expect(blocks('model { y ~ poisson(1 + (1 | g) + (1 | h)) }')).toEqual([
      { effects: ['u_g x4'], written: 'centred', scales: ['sd_g'], locations: ['b_Intercept'], locationIn: 'predictor', correlation: '-' },
      { effects: ['u_h x3'], written: 'centred', scales: ['sd_h'], locations: ['-'], locationIn: 'predictor', correlation: '-' },
    ]);
  });

  it('a slope without its fixed effect has no location; lme4\'s uncorrelated pair is two blocks', () => {
    expect(blocks('model { y ~ poisson(1 + x + (1 | g) + (0 + w | g)) }').map((b) => [b.effects[0], b.locations[0]]))
      .toEqual([['u_g x4', 'b_Intercept'], ['u_g_w x4', '-']]);
  });

  it('a hand-written centred hierarchy, with its prior\'s mean as the location', () => {
    expect(blocks(`parameters { mu ~ Normal(0, 5)  tau ~ HalfCauchy(5)  th[g] ~ Normal(mu, tau) }
      model { y ~ Poisson(log_rate = th[g]) }`)).toEqual([
      { effects: ['th x4'], written: 'centred', scales: ['tau'], locations: ['mu'], locationIn: 'prior', correlation: '-' },
    ]);
  });

  it('hand-written non-centred, z read only as s * z[g]: standardised, with the fixed effect beside it in the predictor', () => {
    expect(blocks(`parameters { a ~ Normal(0, 5)  b ~ Normal(0, 5)  s ~ HalfNormal(1)  t ~ HalfNormal(1)  z[g] ~ Normal(0, 1)  v[g] ~ Normal(0, 1) }
      model { u = s * z[g]  y ~ Poisson(log_rate = a + u + (b + t * v[g]) * x) }`)).toEqual([
      { effects: ['z x4'], written: 'standardised', scales: ['s'], locations: ['a'], locationIn: 'predictor', correlation: '-' },
      { effects: ['v x4'], written: 'standardised', scales: ['t'], locations: ['b'], locationIn: 'predictor', correlation: '-' },
    ]);
  });

  it('hand-written u[g] ~ Normal(0, s): centred, located on the intercept beside it; no location where two scalars stand beside it', () => {
    expect(blocks(`parameters { a ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { y ~ Poisson(log_rate = a + u[g]) }`)[0].locations).toEqual(['a']);
    expect(blocks(`parameters { a ~ Normal(0, 5)  c ~ Normal(0, 5)  s ~ HalfNormal(1)  u[g] ~ Normal(0, s) }
      model { y ~ Poisson(log_rate = a + c + u[g]) }`)[0].locations).toEqual(['-']);
  });

  it('none where the map would not be a hierarchy: z read other than as s * z, a scale that is an expression', () => {
    expect(blocks(`parameters { s ~ HalfNormal(1)  z[g] ~ Normal(0, 1) }
      model { y ~ Poisson(log_rate = s * z[g] + z[g]) }`)).toEqual([]);
    expect(blocks(`parameters { s ~ HalfNormal(1)  u[g] ~ Normal(0, 2 * s) }
      model { y ~ Poisson(log_rate = u[g]) }`)).toEqual([]);
  });

  it('none under maximum likelihood (no sampler runs there)', () => {
    const m = compileText(`${data}\nmodel { y ~ poisson(1 + (1 | g)) }`, csv);
    expect(hierarchiesOf({ ...m.ir, ml: true })).toEqual([]);
  });
});
