import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { loadRepoModel } from '../../helpers.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { messages } from '../../../src/core/warning.js';

// The classic funnel (Rubin 1981; BDA3 5.5; Betancourt & Girolami 2015): centered, NUTS diverges in the neck
// and must say so; non-centered, the same posterior is benign.
describe('eight schools', () => {
  it('centered, sampled as written: divergences are counted and the warning says what to do', async () => {
    const fit = await inferFit(loadRepoModel('eight_schools.glmm'), { engine: 'nuts', seed: 1, settings: { parametrisation: 'as-written' } });
    expect(diagnosticsOf(fit.diagnostics, 'mcmc').divergences).toBeGreaterThan(0);
    const warning = messages(fit.warnings).find((w) => /divergent/.test(w));
    expect(warning).toMatch(/--adapt-delta/);
    expect(warning).toMatch(/--parametrisation non-centred/);
    expect(fit.summary.find((r) => r.name === 'tau')!.rhat).toBeDefined();
  });

  it('centered, sampled as the data suggest: the default samples it non-centred (the data barely inform each school)', async () => {
    const asWritten = await inferFit(loadRepoModel('eight_schools.glmm'), { engine: 'nuts', seed: 1, settings: { parametrisation: 'as-written' } });
    const fit = await inferFit(loadRepoModel('eight_schools.glmm'), { engine: 'nuts', seed: 1 });
    expect(diagnosticsOf(fit.diagnostics, 'mcmc').parametrisation).toBe('tau: non-centred');
    expect(diagnosticsOf(fit.diagnostics, 'mcmc').divergences).toBeLessThan((diagnosticsOf(asWritten.diagnostics, 'mcmc').divergences) / 5);
    const tau = fit.summary.find((r) => r.name === 'tau')!;
    expect(Math.abs(tau.mean - 3.6)).toBeLessThan(0.3);
    expect(tau.rhat!).toBeLessThanOrEqual(1.01);
    // The draws are of the model's parameters, as written: theta itself, not the standardised effects.
    expect(fit.names).toEqual(asWritten.names);
    expect(fit.names).toContain('theta[A]');
  });

  it('non-centered: no divergences, R-hat <= 1.01, and mu and tau as the literature has them', async () => {
    const fit = await inferFit(loadRepoModel('eight_schools_nc.glmm'), { engine: 'nuts', seed: 1 });
    expect(diagnosticsOf(fit.diagnostics, 'mcmc').divergences).toBe(0);
    expect(fit.warnings.filter((w) => w.code === 'divergences')).toEqual([]);
    for (const row of fit.summary) expect(row.rhat!, row.name).toBeLessThanOrEqual(1.01);
    // mu ~ 4.4 (sd 3.3), tau ~ 3.6 (sd 3.2) under mu ~ N(0, 5), tau ~ HalfCauchy(0, 5) (Stan's case study).
    const mu = fit.summary.find((r) => r.name === 'mu')!;
    const tau = fit.summary.find((r) => r.name === 'tau')!;
    expect(Math.abs(mu.mean - 4.4)).toBeLessThan(0.3);
    expect(Math.abs(tau.mean - 3.6)).toBeLessThan(0.3);
    expect(fit.names).toContain('theta_A');
  });
});
