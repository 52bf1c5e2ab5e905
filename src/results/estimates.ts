import type { LogDensity } from '../core/log_density.js';
import type { EngineResult } from '../engines/result.js';
import type { SummaryRow } from './summary.js';

const Z975 = 1.959963984540054;

/**
 * The summary from an engine's exact estimates (ML, REML) instead of draws: each parameter's estimate
 * mapped to the constrained scale, its standard error by the delta method and a Wald interval mapped
 * through the (monotone) transform; each derived quantity (`row(theta)` beyond the parameters: generated
 * quantities, data-scale random effects) its value at the estimate and its sd by the delta method. No
 * Monte Carlo error enters lme4 comparisons, and no draws are needed. A derived quantity named in
 * `correlations` gets its interval on Fisher's scale, tanh(atanh(r) +- z sd / (1 - r^2)): a Wald interval
 * r +- z sd of a correlation near +-1 (a block close to singular) passed the bound.
 */
export function withEstimates(names: readonly string[], rows: readonly SummaryRow[] | undefined, result: EngineResult, ld: LogDensity,
  row: (theta: Float64Array) => Float64Array, correlations: ReadonlySet<string> = new Set()): SummaryRow[] {
  const est = result.estimates;
  if (!est) return [...rows!];
  const h = 1e-6;
  const shift = (d: number): Float64Array => ld.constrain(est.theta.map((t, j) => t + d * (Number.isFinite(est.sd[j]) ? est.sd[j] : 0)));
  const at = ld.constrain(est.theta);
  const up = ld.constrain(est.theta.map((t) => t + h));
  const down = ld.constrain(est.theta.map((t) => t - h));
  const lo = shift(-Z975);
  const hi = shift(Z975);
  const params: SummaryRow[] = Array.from({ length: ld.dim }, (_, j) => {
    const slope = Math.abs((up[j] - down[j]) / (2 * h));
    // No SE (a boundary fit): no interval either, rather than a zero-width one at the estimate.
    const known = Number.isFinite(est.sd[j]);
    return { name: names[j], mean: at[j], sd: slope * est.sd[j], q2_5: known ? Math.min(lo[j], hi[j]) : NaN, q50: at[j], q97_5: known ? Math.max(lo[j], hi[j]) : NaN };
  });
  const extra = names.length - ld.dim;
  if (extra === 0) return params;
  const centre = row(est.theta);
  // Gradients of every derived quantity, one central difference per coordinate (step: a hundredth of its sd).
  const grads = Array.from({ length: extra }, () => new Float64Array(ld.dim));
  for (let j = 0; j < ld.dim; j++) {
    const s = est.sd[j];
    if (!(s > 0) || !Number.isFinite(s)) continue;
    const step = 1e-2 * s;
    const plus = Float64Array.from(est.theta);
    const minus = Float64Array.from(est.theta);
    plus[j] += step;
    minus[j] -= step;
    const a = row(plus);
    const b = row(minus);
    for (let k = 0; k < extra; k++) grads[k][j] = (a[ld.dim + k] - b[ld.dim + k]) / (2 * step);
  }
  const derived = grads.map((g, k) => {
    const m = centre[ld.dim + k];
    const sd = Math.sqrt(est.variance(g));
    const name = names[ld.dim + k];
    if (correlations.has(name) && Math.abs(m) < 1) {
      const z = Math.atanh(m);
      const sz = sd / (1 - m * m);
      return { name, mean: m, sd, q2_5: Math.tanh(z - Z975 * sz), q50: m, q97_5: Math.tanh(z + Z975 * sz) };
    }
    return { name, mean: m, sd, q2_5: m - Z975 * sd, q50: m, q97_5: m + Z975 * sd };
  });
  return [...params, ...derived];
}
