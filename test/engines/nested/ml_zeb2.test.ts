import { beforeAll, describe, expect, it } from 'vitest';
import type { LogDensity } from '../../../src/core/log_density.js';
import type { EngineResult } from '../../../src/engines/result.js';
import { createRng } from '../../../src/core/rng.js';
import { runMaximumLikelihood } from '../../../src/engines/nested/run_ml.js';
import { loadModel } from '../../../src/io/load_model.js';
import { readCsv } from '../../fixtures/load.js';
import { ROOT } from '../../helpers.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

// The acceptance (lme4 parity) on the engine: models/zeb2.glmm compiled for maximum likelihood
// is lme4's ZEB2 ~ 0 + cell_group + offset(log(total_count)) + (1 | patient_assignment), Poisson.
const LME4_LOGLIK = -34724.99; // test/fixtures/README.md
const LME4_SD_PATIENT = Number(readCsv('zeb2/lme4_varcorr.csv')[0].sdcor);
const fixed = readCsv('zeb2/lme4_fixed_effects.csv');
const random = readCsv('zeb2/lme4_random_effects.csv');
const tmb = new Map(readCsv('zeb2/glmmtmb_fixed_effects.csv').map((r) => [r.cell_group, r]));

describe('maximum likelihood (nested Laplace) on ZEB2 (maximum likelihood) against lme4', () => {
  let ld: LogDensity;
  let fit: EngineResult;
  let est: NonNullable<EngineResult['estimates']>;
  beforeAll(async () => {
    ld = await loadModel(`${ROOT}models/zeb2.glmm`, { ml: true }).logDensity();
    fit = runMaximumLikelihood(ld, { reml: false, draws: 200, rng: createRng(1) });
    est = fit.estimates!;
  });
  const at = (name: string): number => {
    const i = ld.thetaNames.indexOf(name);
    if (i < 0) throw new Error(`no coordinate '${name}'`);
    return i;
  };
  const worst = (values: number[]): number => Math.max(...values.map(Math.abs));

  it('integrates out exactly the random effects', () => {
    expect(ld.latent.map((i) => ld.thetaNames[i])).toEqual(random.map((r) => `u[${r.patient_assignment}]`));
  });

  it('gives lme4 fixed effects (within 0.02 SE) and their SEs (within 2%)', () => {
    const dev = fixed.map((r) => (est.theta[at(`beta[${r.cell_group}]`)] - Number(r.mean)) / Number(r.std));
    const se = fixed.map((r) => est.sd[at(`beta[${r.cell_group}]`)] / Number(r.std) - 1);
    expect(worst(dev)).toBeLessThan(0.02);
    expect(worst(se)).toBeLessThan(0.02);
    // lme4's SEs come from a finite-difference Hessian (0.76% off at worst); glmmTMB's from exact AD.
    const seTmb = fixed.map((r) => est.sd[at(`beta[${r.cell_group}]`)] / Number(tmb.get(r.cell_group)!.std) - 1);
    expect(worst(seTmb)).toBeLessThan(0.002);
  });

  it("gives lme4's patient SD (within 2%) and log-likelihood (within 0.05)", () => {
    expect(Math.abs(Math.exp(est.theta[at('log(sigma_patient)')]) / LME4_SD_PATIENT - 1)).toBeLessThan(0.02);
    expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - LME4_LOGLIK)).toBeLessThan(0.05);
  });

  it('gives the conditional modes (within 0.02 conditional sd) and conditional sds (within 2%)', () => {
    const dev = random.map((r) => (est.theta[at(`u[${r.patient_assignment}]`)] - Number(r.mean)) / Number(r.std));
    const sd = random.map((r) => est.sd[at(`u[${r.patient_assignment}]`)] / Number(r.std) - 1);
    expect(worst(dev)).toBeLessThan(0.02);
    expect(worst(sd)).toBeLessThan(0.02);
  });

  it('converges cleanly: no warnings, a small gradient, the exact sparse u-Hessian', () => {
    expect(fit.warnings).toEqual([]);
    expect(diagnosticsOf(fit.diagnostics, 'ml').scaledGradNormAtMode).toBeLessThan(1e-4);
    expect(diagnosticsOf(fit.diagnostics, 'ml').structuredHessian).toBe(true);
    expect(fit.draws).toHaveLength(200);
  });
});
