import { warning, type Alternative, type Approximation, type EngineWarning, type Moved } from '../core/warning.js';
import type { PsisResult } from './psis.js';

/** How much importance reweighting moves one coordinate: the mean shift in its (unweighted) sds and the sd ratio. */
export interface ReweightShift {
  readonly coord: number;
  readonly shift: number;
  readonly sdRatio: number;
}

/** Shifts beyond these are worth naming: a tenth of the limits for means would be noise at S = 1000. */
export const SHIFT_LIMIT = 0.15;
export const SD_RATIO_LIMIT = 0.2;

/**
 * What the PSIS weights do to each coordinate's mean and sd, worst first: where a Gaussian approximation is
 * wrong, reweighting moves those quantities, so they can be named instead of a bare k-hat. Above the k-hat
 * threshold the weights are noisy, but they still point at where the Gaussian is wrong.
 */
export function reweightedShifts(r: PsisResult, draws: readonly Float64Array[], coords: readonly number[]): ReweightShift[] {
  const w = r.logWeights.map(Math.exp);
  const n = draws.length;
  return coords.map((c) => {
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i < n; i++) {
      m0 += draws[i][c] / n;
      m1 += w[i] * draws[i][c];
    }
    let v0 = 0;
    let v1 = 0;
    for (let i = 0; i < n; i++) {
      v0 += (draws[i][c] - m0) ** 2 / (n - 1);
      v1 += w[i] * (draws[i][c] - m1) ** 2;
    }
    const sd0 = Math.sqrt(v0);
    return { coord: c, shift: sd0 > 0 ? (m1 - m0) / sd0 : 0, sdRatio: sd0 > 0 ? Math.sqrt(v1) / sd0 : 1 };
  }).sort((a, b) => badness(b) - badness(a));
}

const badness = (s: ReweightShift): number => Math.max(Math.abs(s.shift), Math.abs(Math.log(s.sdRatio)));

/**
 * The shifts past the limits, in the order given (worst first from reweightedShifts), each with its name
 * and whether it is a random effect: the warning names every fixed effect and hyperparameter (they are
 * few, and what a user reads first), then random effects up to five and a count.
 */
export function movedQuantities(shifts: readonly ReweightShift[], names: readonly string[], random: readonly number[] = []): Moved[] {
  const isRandom = new Set(random);
  return shifts.filter((s) => Math.abs(s.shift) > SHIFT_LIMIT || Math.abs(s.sdRatio - 1) > SD_RATIO_LIMIT)
    .map((s) => ({ name: names[s.coord], shift: s.shift, sdRatio: s.sdRatio, random: isRandom.has(s.coord) }));
}

/**
 * The k-hat warning every Gaussian approximation gives (Laplace, nested Laplace's latent field, VI),
 * saying only what was checked: above the threshold, that the approximation is poor and which quantities
 * reweighting moves; below it, which quantities move (if any), and that --psis applies the
 * reweighting only where `psisApplies` (a single Gaussian whose PSIS ESS was measured); nothing when no
 * quantity moves past the limits.
 */
export function khatWarnings(o: {
  readonly approximation: Approximation; readonly r: PsisResult; readonly shifts: readonly ReweightShift[]; readonly names: readonly string[];
  readonly psisApplies: boolean; readonly reweighted: boolean; readonly instead: readonly Alternative[];
  /** The random effects' coordinates: named after the fixed effects and hyperparameters. */
  readonly random?: readonly number[];
}): EngineWarning[] {
  const { r } = o;
  // Near-uniform weights (ESS at 90% of the draws or more): reweighting changes nothing, and k-hat's tail
  // fit to such weights is noise (it can exceed 1 on an almost exactly Gaussian posterior).
  if (r.ess >= 0.9 * r.logWeights.length) return [];
  const items = movedQuantities(o.shifts, o.names, o.random);
  const data = {
    figures: { khat: r.khat, threshold: r.threshold, psisEss: r.ess, draws: r.logWeights.length },
    facts: { approximation: o.approximation, reweighting: o.reweighted ? 'applied' : o.psisApplies ? 'available' : 'unavailable', instead: o.instead },
    items,
  } as const;
  if (r.khat > r.threshold) return [warning('khat-poor', data, items.map((m) => m.name))];
  // Within the threshold the weights are reliable, so what they move is what the Gaussian misses, even
  // at a small k-hat (a skewed posterior with light tails: a separated logistic regression's slope).
  return items.length > 0 ? [warning('khat-shifts', data, items.map((m) => m.name))] : [];
}
