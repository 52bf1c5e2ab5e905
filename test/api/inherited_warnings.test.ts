import { describe, expect, it } from 'vitest';
import { inheritedWarning } from '../../src/api/inherited_warnings.js';
import { compileContrasts } from '../../src/compiler/contrast.js';
import { compileText } from '../helpers.js';

const csv = ['y,g', ...Array.from({ length: 12 }, (_, i) => `${i % 4},g${i % 3}`)].join('\n');
const model = compileText(`data { y: count g: factor }
parameters {
  a ~ Normal(0, 2)
  tau ~ Gamma(2, 1)
  sd ~ HalfNormal(1)
  b[g] ~ Normal(0, 1 / sqrt(tau))
}
model { y ~ Poisson(log_rate = a + b[g]) }
generated {
  sigma = 1 / sqrt(tau)
  twice_a = 2 * a
  spread = sd * 2
}`, csv);
const quantities = [...model.ir.generated, ...compileContrasts(['b[g1] - b[g2]'], model.rowwiseIr)];

describe('warnings inherited by generated quantities and contrasts', () => {
  it('names each quantity computed from a parameter a warning names, with the parameter', () => {
    expect(inheritedWarning(model.ir, quantities, ["importance reweighting moves 'tau' (mean +0.37 sd, sd x1.43)"]))
      .toEqual({ message: 'generated quantities computed from parameters named above carry their error: sigma (from tau)', quantities: ['sigma'] });
    expect(inheritedWarning(model.ir, quantities, ['disagrees on 2 quantities: log(tau) (mean -0.51 sd), b[3] (mean +0.3 sd)']))
      .toEqual({ message: 'generated quantities computed from parameters named above carry their error: sigma (from tau), b[g1] - b[g2] (from b)', quantities: ['sigma', 'b[g1] - b[g2]'] });
    expect(inheritedWarning(model.ir, quantities, ["sds are short (worst 'a', 40% below)"])?.message)
      .toBe('generated quantities computed from parameters named above carry their error: twice_a (from a)');
  });

  it('says nothing without warnings, when none names a parameter, or when the quantity is named itself', () => {
    expect(inheritedWarning(model.ir, quantities, [])).toBeUndefined();
    // "sd" and "a" as words of a sentence are not the parameters sd and a.
    expect(inheritedWarning(model.ir, quantities, ['the sds are a little short: sd x0.8 on the worst'])).toBeUndefined();
    expect(inheritedWarning(model.ir, quantities, ["moves 'tau' and 'sigma'"])).toBeUndefined();
  });
});

describe('the data-scale effects of a correlated block', () => {
  const rows = ['y,x,g', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${((i * 7) % 11) / 5 - 1},g${i % 8}`)].join('\n');
  const block = compileText('data { y: binary  x: real  g: factor }\nmodel { y ~ bernoulli(1 + x + (1 + x | g)) }', rows);

  it("inherit a warning on the block's sds, one line per term with their count (fullrank named sd[g, x], never g[level, x])", () => {
    const w = inheritedWarning(block.ir, block.ir.generated, ["importance reweighting moves 'sd[g, x]' (mean +0.28 sd, sd x1.35)"]);
    expect(w?.message).toBe('generated quantities computed from parameters named above carry their error: g[., x] (8 data-scale random effects, from sd[g, x])');
  });
});
