import type { LogDensity } from '../core/log_density.js';
import type { EngineResult } from '../engines/result.js';
import type { SummaryRow } from './summary.js';

const Z975 = 1.959963984540054;

/**
 * Replaces the parameters' rows by an engine's exact estimates (marginal Laplace): the estimate
 * mapped to the constrained scale, its standard error by the delta method, and a Wald interval
 * mapped through the (monotone) transform, so that no Monte Carlo error enters lme4 comparisons.
 */
export function withEstimates(rows: readonly SummaryRow[], result: EngineResult, ld: LogDensity): SummaryRow[] {
  const est = result.estimates;
  if (!est) return [...rows];
  const h = 1e-6;
  const shift = (d: number): Float64Array => ld.constrain(est.theta.map((t, j) => t + d * (Number.isFinite(est.sd[j]) ? est.sd[j] : 0)));
  const at = ld.constrain(est.theta);
  const up = ld.constrain(est.theta.map((t) => t + h));
  const down = ld.constrain(est.theta.map((t) => t - h));
  const lo = shift(-Z975);
  const hi = shift(Z975);
  return rows.map((row, j) => {
    if (j >= ld.dim) return row;
    const slope = Math.abs((up[j] - down[j]) / (2 * h));
    return { ...row, mean: at[j], sd: slope * est.sd[j], q2_5: Math.min(lo[j], hi[j]), q50: at[j], q97_5: Math.max(lo[j], hi[j]) };
  });
}
