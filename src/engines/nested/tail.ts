import type { Field } from './field.js';
import type { Grid } from './grid.js';

/** The grid's outermost layer: points whose (corrected) log density is more than this below the top (the cut is at 6). */
const SHELL_FROM = 4.5;
/** The band before it: from 3 to 4.5 below the top. */
const SHELL_WIDTH = 1.5;
/**
 * A Gaussian's variance falls from one band to the next by a factor 2 (four hyperparameters) to 4 (one);
 * the outer layer holding more than this fraction of the band before's is a tail that has not yet turned.
 */
const GOING = 0.7;
/** A quantity is flagged when its outer layer holds more than this share of its variance, and more than FACTOR times the layer's mass. */
const SHARE = 0.15;
const FACTOR = 4;
/** At least this many draws from the layer before its share is read (fewer is Monte Carlo noise). */
const MIN_DRAWS = 5;

export interface TailShare {
  /** theta coordinate and the share of its variance that comes from the grid's outermost layer. */
  readonly coord: number;
  readonly share: number;
}

/**
 * Whether the posterior reaches beyond the grid over the hyperparameters. The grid stops where L has
 * fallen by 6 from its top, which leaves out little mass of a posterior with Gaussian tails; but a
 * heavy tail (a coefficient with a Cauchy prior under quasi-separation: P(trt > 55) 0.093 in Stan against
 * 0.025 here) or a latent variance that grows without bound along a scale (Neal's funnel: E[exp(v)] has
 * 43% of its mass beyond the grid's v = 10.4, so x's sd came out 7.3 for 9.5) puts much of a quantity's
 * variance in the grid's outermost layer, and more beyond it. Measured on the draws (which grid point
 * each came from), on the constrained scale the summary reports: the share of each quantity's variance
 * drawn from points within 1.5 of the cut, flagged above 15%, above four times the layer's mass (a
 * Gaussian in four hyperparameters puts 4% of its mass and about 12% of a variance there), and above 0.7
 * times the band before's share (a Gaussian's falls by 2-4 per band; a tail that is not falling goes on).
 * A precision with a long right tail that the grid follows to its end (seeds' tau: sd 186 against Stan's
 * 196) falls from band to band and is not flagged.
 */
export function tailShares(field: Field, grid: Grid, weights: Float64Array, draws: readonly Float64Array[], from: Int32Array): { shares: TailShare[]; layerMass: number } {
  // Importance sampling over many hyperparameters (the random design) has no layers to compare.
  if (grid.design !== 'lattice') return { shares: [], layerMass: 0 };
  const logDensity = grid.points.map((p) => p.value + p.delta);
  const top = Math.max(...logDensity);
  const band = logDensity.map((v) => (top - v > SHELL_FROM ? 2 : top - v > SHELL_FROM - SHELL_WIDTH ? 1 : 0));
  const layerMass = weights.reduce((s, w, k) => s + (band[k] === 2 ? w : 0), 0);
  const bandOf = Array.from(from, (k) => band[k]);
  if (bandOf.filter((b) => b === 2).length < MIN_DRAWS) return { shares: [], layerMass };
  const values = draws.map((t) => field.ld.constrain(t));
  const shares: TailShare[] = [];
  for (let c = 0; c < field.ld.dim; c++) {
    let mean = 0;
    for (const v of values) mean += v[c];
    mean /= values.length;
    const parts = [0, 0, 0];
    values.forEach((v, i) => (parts[bandOf[i]] += (v[c] - mean) ** 2));
    const all = parts[0] + parts[1] + parts[2];
    const share = all > 0 ? parts[2] / all : 0;
    // Still growing (or barely falling) from the band before: the tail goes on past the cut.
    const going = parts[2] > GOING * parts[1];
    if (share > SHARE && share > FACTOR * layerMass && going) shares.push({ coord: c, share });
  }
  return { shares, layerMass };
}

/** The warning for the quantities tailShares flags, naming up to six (the largest shares) and counting the rest. */
export function tailWarning(field: Field, t: { shares: readonly TailShare[]; layerMass: number }): string[] {
  if (t.shares.length === 0) return [];
  const sorted = [...t.shares].sort((a, b) => b.share - a.share);
  const shown = sorted.slice(0, 6).map((s) => `'${field.ld.names[s.coord]}' (${(100 * s.share).toFixed(0)}%)`).join(', ');
  const more = sorted.length > 6 ? ` and ${sorted.length - 6} more` : '';
  return [`the posterior reaches beyond the grid over the hyperparameters: ${shown}${more} ${sorted.length > 1 ? 'take' : 'takes'} that share of ${sorted.length > 1 ? 'their' : 'its'} variance from the grid's ` +
    `outermost layer, which holds ${(100 * t.layerMass).toFixed(1)}% of the mass (a heavy tail, or a variance that grows along a scale without bound, ` +
    `as in a funnel), so ${sorted.length > 1 ? 'their' : 'its'} sd and outer quantiles are likely too small; --engine nuts samples the tail`];
}
