import { expect } from 'vitest';
import type { Fit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/** lme4's fit of a model with one correlated block, as the fixture scripts write it. */
export interface Lme4Block {
  fixed: Record<string, { est: number; se: number }>;
  sd: Record<string, number>;
  /** Correlations keyed 'a,b' (term names). */
  cor: Record<string, number>;
  /** A Gaussian model's residual sd; an empty object for a GLMM (R's NULL). */
  sigma?: number | Record<string, never>;
  logLik: number;
}

/**
 * The tolerances of the battery for one correlated block against lme4: fixed effects to 0.02 SE and 2%
 * in SE; sds and correlations (which lme4 gives no SE) to 0.01; sigma to 1%; the log-likelihood to 0.05.
 */
export function expectLme4Block(fit: Fit, ref: Lme4Block, group: string): void {
  const row = (name: string) => {
    const r = fit.summary.find((s) => s.name === name);
    expect(r, name).toBeDefined();
    return r!;
  };
  for (const [name, f] of Object.entries(ref.fixed)) {
    expect(Math.abs(row(name).mean - f.est) / f.se, name).toBeLessThan(0.02);
    expect(Math.abs(row(name).sd / f.se - 1), name).toBeLessThan(0.02);
  }
  for (const [term, sd] of Object.entries(ref.sd)) expect(Math.abs(row(`sd[${group}, ${term}]`).mean - sd), term).toBeLessThan(0.01);
  for (const [pair, r] of Object.entries(ref.cor)) {
    const [a, b] = pair.split(',');
    expect(Math.abs(row(`cor[${group}, ${a}, ${b}]`).mean - r), pair).toBeLessThan(0.01);
  }
  if (typeof ref.sigma === 'number') expect(Math.abs(row('sigma').mean / ref.sigma - 1)).toBeLessThan(0.01);
  expect(Math.abs((diagnosticsOf(fit.diagnostics, 'ml').logLik) - ref.logLik)).toBeLessThan(0.05);
}
