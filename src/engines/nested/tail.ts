import { warning, type EngineWarning } from '../../core/warning.js';
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
  /** A hyperparameter's theta coordinate, or a latent vector's, and the share of their variance that comes from the grid's outermost layer. */
  readonly coords: readonly number[];
  readonly share: number;
}

/**
 * Whether the posterior reaches beyond the grid over the hyperparameters. The grid stops where L has
 * fallen by 6 from its top, which leaves out little mass of a posterior with Gaussian tails; but a
 * heavy tail (a coefficient with a Cauchy prior under quasi-separation: P(trt > 55) 0.093 in Stan against
 * 0.025 here) or a latent variance that grows without bound along a scale (Neal's funnel: E[exp(v)] has
 * 43% of its mass beyond the grid's v = 10.4, so x's sd came out 7.3 for 9.5) puts much of a quantity's
 * variance in the grid's outermost layer, and more beyond it. Measured on the draws (which grid point
 * each came from), in theta and on the printed scale alike (either alone gave false warnings on scales
 * the grid does cover: three in 147 models on the sd's own scale, five in theta), the share of each
 * quantity's variance drawn from points within 1.5 of the cut, flagged above 15%, above four times the layer's mass (a
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
  // Each hyperparameter alone; a latent vector's elements pooled (x[k] of a funnel: a few draws from the
  // outer layer per element made each element's share noisy, and the worst ones went unnamed).
  const groups = new Map<string, number[]>();
  for (const c of field.outer) groups.set(`#${c}`, [c]);
  for (const c of field.x) {
    const key = field.ld.names[c].replace(/\[.*$/, '');
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  // The hyperparameters on the printed scale (the latent field's coordinates are their own values).
  const printed = draws.map((t) => {
    const v = field.ld.constrain(t);
    return Float64Array.from(field.outer, (c) => v[c]);
  });
  // The outer layer's share of the variance of `at(draw, coord)` over `coords`, if it flags them, else 0.
  const flagged = (at: (i: number, c: number) => number, coords: readonly number[]): number => {
    const parts = [0, 0, 0];
    for (const c of coords) {
      let mean = 0;
      for (let i = 0; i < draws.length; i++) mean += at(i, c);
      mean /= draws.length;
      for (let i = 0; i < draws.length; i++) parts[bandOf[i]] += (at(i, c) - mean) ** 2;
    }
    const all = parts[0] + parts[1] + parts[2];
    const share = all > 0 ? parts[2] / all : 0;
    // Still growing (or barely falling) from the band before: the tail goes on past the cut.
    return share > SHARE && share > FACTOR * layerMass && parts[2] > GOING * parts[1] ? share : 0;
  };
  const theta = (i: number, c: number): number => draws[i][c];
  const outerIndex = new Map(field.outer.map((c, j) => [c, j]));
  const onPrinted = (i: number, c: number): number => printed[i][outerIndex.get(c)!];
  const shares: TailShare[] = [];
  for (const coords of groups.values()) {
    // A hyperparameter both in theta and on the printed scale: a log-sd's long left tail towards sd = 0
    // weighs in theta only, an sd's right tail that the grid follows to its end on its own scale only, and
    // neither moves the printed sd by more than a few per cent.
    const share = outerIndex.has(coords[0]) ? Math.min(flagged(theta, coords), flagged(onPrinted, coords)) : flagged(theta, coords);
    if (share > 0) shares.push({ coords, share });
  }
  return { shares, layerMass };
}

/** The warning for the quantities tailShares flags, largest share first. */
export function tailWarning(field: Field, t: { shares: readonly TailShare[]; layerMass: number }): EngineWarning[] {
  if (t.shares.length === 0) return [];
  const items = [...t.shares].sort((a, b) => b.share - a.share).map((s) => ({ name: field.ld.names[s.coords[0]], elements: s.coords.length, share: s.share }));
  return [warning('heavy-tail', { figures: { layerMass: t.layerMass }, items }, items.map((i) => i.name))];
}
