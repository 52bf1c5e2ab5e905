import { describe, expect, it } from 'vitest';
import { inheritedWarning } from '../../src/api/inherited_warnings.js';
import { warningText } from '../../src/results/warning_text.js';
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
/** What the warning names, and its sentence. */
const said = (warnings: string[], ir = model.ir, qs: Parameters<typeof inheritedWarning>[1] = quantities) => {
  const w = inheritedWarning(ir, qs, warnings);
  return w && { params: w.params, items: w.items, text: warningText(w) };
};

describe('warnings inherited by generated quantities and contrasts', () => {
  it('names each quantity computed from a parameter a warning names, with the parameter', () => {
    expect(said(["importance reweighting moves 'tau' (mean +0.37 sd, sd x1.43)"])).toEqual({
      params: ['sigma'], items: [{ name: 'sigma', from: ['tau'] }],
      text: 'generated quantities computed from parameters named above carry their error: sigma (from tau)',
    });
    expect(said(['disagrees on 2 quantities: log(tau) (mean -0.51 sd), b[3] (mean +0.3 sd)'])).toEqual({
      params: ['sigma', 'b[g1] - b[g2]'], items: [{ name: 'sigma', from: ['tau'] }, { name: 'b[g1] - b[g2]', from: ['b'] }],
      text: 'generated quantities computed from parameters named above carry their error: sigma (from tau), b[g1] - b[g2] (from b)',
    });
    expect(said(["sds are short (worst 'a', 40% below)"])?.text).toBe('generated quantities computed from parameters named above carry their error: twice_a (from a)');
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
    const w = said(["importance reweighting moves 'sd[g, x]' (mean +0.28 sd, sd x1.35)"], block.ir, block.ir.generated);
    expect(w?.items).toEqual([{ name: 'g[., x]', from: ['sd[g, x]'], effects: 8 }]);
    expect(w?.text).toBe('generated quantities computed from parameters named above carry their error: g[., x] (8 data-scale random effects, from sd[g, x])');
  });
});
