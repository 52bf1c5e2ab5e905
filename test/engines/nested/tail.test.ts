import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { loadModel } from '../../../src/io/load_model.js';
import { ROOT } from '../../helpers.js';
import { messages } from '../../../src/core/warning.js';

/*
 * The grid over the hyperparameters stops where their log density has fallen by 6. Two posteriors reach
 * beyond it (found by a sweep of unseen models, against Stan): Neal's funnel, whose x has variance
 * E[exp(v)], 43% of it from v beyond the grid's 10.4 (x's sd 7.3 printed for 9.49, k-hat 0, no warning),
 * and a coefficient with a Cauchy prior under quasi-separation (P(trt > 55) 0.093 in Stan, 0.025 here).
 * Both are now named; seeds' precision tau, with a long right tail that the grid follows to its end
 * (sd 186 against Stan's 196), is not, nor (judged in theta, not on the sd's own scale) the slope sd of a
 * block with five groups, whose log has a Gaussian tail (a false warning found by a second sweep).
 */
const funnel = `data "d.csv" { k: factor }
parameters {
  v ~ Normal(0, 3)
  x[k] ~ Normal(0, exp(v / 2))
}`;
const funnelData = `k\n${Array.from({ length: 9 }, (_, i) => `k${i + 1}`).join('\n')}\n`;
const quasi = `data "d.csv" { y: binary  x: real  trt: real  g: factor }
parameters {
  b_Intercept ~ Cauchy(0, 10)
  b_x ~ Cauchy(0, 2.5)
  b_trt ~ Cauchy(0, 2.5)
}
model {
  y ~ bernoulli(1 + x + trt + (1 | g))
}`;
const tailWarning = (w: readonly string[]) => w.filter((x) => x.includes('beyond the grid'));

describe('nested Laplace says when the posterior reaches beyond its grid', () => {
  it.each([1, 2, 3])("Neal's funnel (seed %i): x's variance from the grid's outer layer", async (seed) => {
    const fit = await inferFit(compile(funnel, { data: funnelData }), { engine: 'laplace', seed });
    const [w] = tailWarning(messages(fit.warnings));
    expect(w).toMatch(/^the posterior reaches beyond the grid over the hyperparameters: 'x' \(9 elements\) \d+% of the variance/);
    expect(w).toContain('--engine nuts');
  });

  it('a Cauchy-prior coefficient under quasi-separation: its own tail', async () => {
    const data = readFileSync(new URL('./fixtures/quasi_separation.csv', import.meta.url), 'utf8');
    const fit = await inferFit(compile(quasi, { data }), { engine: 'laplace' });
    expect(tailWarning(messages(fit.warnings))).toEqual([expect.stringMatching(/^the posterior reaches beyond the grid over the hyperparameters: 'trt' \d+% of the variance comes from the grid's outermost layer/)]);
  });

  it("not where the grid follows the tail to its end (seeds' tau) nor on an ordinary GLMM", async () => {
    for (const model of ['test/battery/seeds/model.glmm', 'test/battery/cbpp/model.glmm', 'test/battery/sleepstudy/model.glmm', 'test/engines/nested/fixtures/slope_5groups.glmm',
      'test/engines/nested/fixtures/exp_frailty.glmm']) {
      const fit = await inferFit(loadModel(`${ROOT}${model}`), { engine: 'laplace' });
      expect(tailWarning(messages(fit.warnings)), model).toEqual([]);
    }
  });
});
