import { describe, expect, it } from 'vitest';
import { khatVerdict } from '../../src/cli/report.js';

// One k-hat scale everywhere (docs/engines.md, the warnings, the diagnostics line).
describe('the k-hat line', () => {
  it('says good, usable but imperfect, or unreliable, as the warnings do', () => {
    expect(khatVerdict(0.3, 0.7)).toBe('good: at most 0.5; usable up to 0.70');
    expect(khatVerdict(0.54, 0.7)).toBe('usable but imperfect: between 0.5 and 0.70');
    expect(khatVerdict(0.68, 0.667)).toBe('unreliable: above 0.67');
    expect(khatVerdict(1.17, 0.7)).toBe('unreliable: above 0.70');
  });
});

describe('the log-likelihood line', () => {
  it('says exact for a model without random effects, Laplace for one with them', async () => {
    const { runCli } = await import('./run_cli.js');
    const { ROOT } = await import('../helpers.js');
    const glm = await runCli(['infer', `${ROOT}test/battery/unscaled_covariate/model.glmm`, '--ml']);
    expect(glm.out).toMatch(/\nlog-likelihood -605\.53 \(exact: the model has no random effects; standard errors from the likelihood's Hessian\)\n/);
    const glmm = await runCli(['infer', `${ROOT}models/zeb2_formula.glmm`, '--ml']);
    expect(glmm.out).toMatch(/\nlog-likelihood -\d+\.\d\d \(Laplace approximation over the random effects; /);
  });
});
