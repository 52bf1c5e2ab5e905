import { expect } from 'vitest';
import type { Fit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/** lme4's fixed effects (names as R gives them, estimates, SEs) and log-likelihood, as the fixtures' R scripts write them. */
export interface LmerRef {
  readonly names: readonly string[];
  readonly est: readonly number[];
  readonly se: readonly number[];
  readonly logLik: number;
}

/** An --ml fit against lme4's: every fixed effect by R's name within 0.02 SE, its SE within 2%, the log-likelihood within 0.05. */
export function expectMatchesLmer(fit: Fit, ref: LmerRef): void {
  const rows = new Map(fit.summary.map((r) => [r.name, r]));
  ref.names.forEach((name, j) => {
    const r = rows.get(name);
    expect(r, name).toBeDefined();
    expect(Math.abs(r!.mean - ref.est[j]) / ref.se[j], name).toBeLessThan(0.02);
    expect(Math.abs(r!.sd / ref.se[j] - 1), `${name} SE`).toBeLessThan(0.02);
  });
  expect(Math.abs(diagnosticsOf(fit.diagnostics, 'ml').logLik - ref.logLik)).toBeLessThan(0.05);
}
