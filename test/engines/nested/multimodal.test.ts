import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { compileText } from '../../helpers.js';
import { messages } from '../../../src/core/warning.js';

/*
 * y ~ Normal(a * b, 1) with a, b ~ Normal(0, 1): b is the latent field given a, and the marginal of a is
 * symmetric with a minimum at a = 0, where the search used to start and stop (gradient 0): a grid of 5
 * points around a minimum, sds 18% off, no warning. The search now climbs off the upward curvature to a
 * maximum and says that a second one, as high, exists.
 */
const ys = [0.882, 3.05265, 4.07164, 1.80927, 2.4, 1.1, 1.95, 2.7, 0.6, 1.7];
const csv = ['y', ...ys.map(String)].join('\n');
const source = 'data { y: real }\nparameters { a ~ Normal(0, 1)  b ~ Normal(0, 1) }\nmodel { y ~ Normal(a * b, 1) }';

describe('a hyperparameter marginal with two modes', () => {
  it('climbs off the saddle at a = 0 and warns that nested Laplace covers one mode of two', async () => {
    const fit = await inferFit(compileText(source, csv), { engine: 'laplace' });
    const a = fit.summary.find((r) => r.name === 'a')!;
    // The mode it describes is away from 0 (|a| near sqrt(mean y)), not the minimum between the two.
    expect(Math.abs(a.mean)).toBeGreaterThan(0.8);
    const w = messages(fit.warnings).filter((x) => x.includes('more than one mode'));
    expect(w).toEqual([expect.stringMatching(/^the hyperparameters' posterior has more than one mode: nested Laplace describes the one at a = -?[\d.]+, not the one at a = -?[\d.]+ \(log density -?0\.00 from the first\); every quantity may be off\. --engine nuts samples all of them$/)]);
  });

  it('one mode (b away from 0 in the data\'s favour, a proper maximum): no such warning', async () => {
    const fit = await inferFit(compileText('data { y: real }\nparameters { a ~ Normal(1, 0.1)  b ~ Normal(0, 1) }\nmodel { y ~ Normal(a * b, 1) }', csv), { engine: 'laplace' });
    expect(fit.warnings.filter((x) => x.code === 'multimodal')).toEqual([]);
  });
});

describe('a posterior without a mode for nested Laplace', () => {
  it('centred Student-t effects: E519 names the scale that runs to 0 and says what to use, not "extreme values in the data"', async () => {
    // 20 groups of 10 rows, y from -1.7 to 4 (a sweep's simulation with Student-t group effects).
    const data = readFileSync(new URL('./fixtures/studentt_effects.csv', import.meta.url), 'utf8');
    const m = compileText(`data { y: real  g: factor }
parameters { a ~ Normal(0, 5)  tau ~ HalfNormal(1)  sigma ~ HalfNormal(2)  u[g] ~ StudentT(3, 0, tau) }
model { y ~ Normal(a + u[g], sigma) }`, data);
    const e = await inferFit(m, { engine: 'laplace' }).then(() => undefined, (err: { code: string; message: string; hint: string }) => err);
    expect(e?.code).toBe('E519');
    expect(e?.message).toMatch(/^the posterior has no mode for nested Laplace .* it rises without bound as 'tau' goes to 0/);
    expect(e?.hint).toMatch(/--engine nuts/);
  });
});
