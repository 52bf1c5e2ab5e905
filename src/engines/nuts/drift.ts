import { column } from '../../math/column.js';
import type { ChainOutput } from './chain.js';

/**
 * Post-warm-up variance over the adapted metric's variance above which a coordinate is drifting. The
 * metric is the variance the chain showed in its last slow warm-up window, so in a proper posterior the
 * ratio is near 1 (0.3-3 on the eight schools with 100 to 1000 warm-up iterations). Along a flat
 * direction nothing pulls the chain back: each transition runs the whole trajectory one way, and the
 * draws spread over 10^6-10^7 times the metric's variance (a flat prior under complete separation).
 */
export const DRIFT_RATIO = 100;

export interface Drift {
  /** Coordinate of theta. */
  readonly index: number;
  /** Chains in which it drifted, of those whose metric was adapted. */
  readonly chains: number;
  readonly ofChains: number;
  /** The largest post-warm-up variance over metric variance, and the largest |theta| reached. */
  readonly ratio: number;
  readonly largest: number;
}

const metricDiagonal = (m: ChainOutput['inverseMetric']): Float64Array =>
  (m instanceof Float64Array ? m : Float64Array.from(m, (r, i) => r[i]));

/** Per coordinate, the post-warm-up variance of one chain's draws over its adapted metric's variance. */
export function metricRatios(c: Pick<ChainOutput, 'draws' | 'inverseMetric'>): Float64Array {
  const dim = c.draws[0]?.length ?? 0;
  const diag = metricDiagonal(c.inverseMetric);
  return Float64Array.from({ length: dim }, (_, j) => {
    const xs = column(c.draws, j);
    let sum = 0;
    for (let i = 0; i < xs.length; i++) sum += xs[i];
    const mean = sum / xs.length;
    let ss = 0;
    for (let i = 0; i < xs.length; i++) ss += (xs[i] - mean) ** 2;
    return ss / (xs.length - 1) / diag[j];
  });
}

/**
 * Coordinates whose draws spread far beyond what warm-up measured, in more than half of the chains: the
 * sign of an improper posterior, a parameter the sampler carries off towards infinity. Chains whose
 * metric is still the unit one (warm-up too short to adapt it) have no scale to compare with.
 */
export function drifting(chains: readonly ChainOutput[]): Drift[] {
  const adapted = chains.filter((c) => c.draws.length >= 10 && !metricDiagonal(c.inverseMetric).every((v) => v === 1));
  if (adapted.length === 0) return [];
  const dim = adapted[0].draws[0].length;
  // A chain sampled in other coordinates (reparam_density.ts) measured its ratios there, before its draws
  // were mapped back to theta: its metric is of those coordinates.
  const ratios = adapted.map((c) => c.metricRatios ?? metricRatios(c));
  const out: Drift[] = [];
  for (let j = 0; j < dim; j++) {
    let count = 0;
    let ratio = 0;
    let largest = 0;
    for (const [ci, c] of adapted.entries()) {
      const xs = column(c.draws, j);
      const r = ratios[ci][j];
      if (r > DRIFT_RATIO) count++;
      ratio = Math.max(ratio, r);
      for (let i = 0; i < xs.length; i++) largest = Math.max(largest, Math.abs(xs[i]));
    }
    if (2 * count > adapted.length) out.push({ index: j, chains: count, ofChains: adapted.length, ratio, largest });
  }
  return out;
}
