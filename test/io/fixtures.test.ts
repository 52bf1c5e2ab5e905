import { describe, expect, it } from 'vitest';
import { readCsv, readFixture, readStanSummary } from '../fixtures/load.js';

describe('test/fixtures/load.ts', () => {
  it('reads a Stan summary keyed by parameter name', () => {
    const weak = readStanSummary('zeb2/weak_stan_nuts_summary.csv');
    expect(weak.size).toBe(37);
    expect(weak.get('beta[B : PBMC : diseased]')).toEqual({
      mean: -9.10386532093304, sd: 0.100450910508763, q2_5: -9.30083908669529, q50: -9.1038148803008, q97_5: -8.90454118183808,
    });
    expect(readStanSummary('zeb2/tfp_priors_stan_nuts_summary.csv').has('sigma_patient')).toBe(true);
  });

  it('gunzips .gz fixtures and reads CSVs by header', () => {
    expect(readFixture('diagnostics/draws.csv.gz').split('\n')[0]).toBe(
      '"chain","iteration","iid_normal","ar1_0.5","ar1_0.95","shifted_chain","scale_mismatch","cauchy","lognormal"',
    );
    expect(readCsv('diagnostics/draws.csv.gz')).toHaveLength(4000);
    expect(readCsv('zeb2/lme4_random_effects.csv')[0]).toEqual({ patient_assignment: 'C1', mean: '-0.166703231808077', std: '0.0360011760382165' });
  });
});
