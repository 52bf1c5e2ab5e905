import { sentenceWarning, type EngineWarning } from '../core/warning.js';
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
 * The shifts past the limits, named: "'b' (mean +0.31 sd, sd x1.25), ...": every fixed effect and
 * hyperparameter (they are few, and what a user reads first), then random effects up to five and a count.
 */
export function describeShifts(shifts: readonly ReweightShift[], names: readonly string[], random: readonly number[] = []): { count: number; text: string; params: string[] } {
  const isRandom = new Set(random);
  const off = shifts.filter((s) => Math.abs(s.shift) > SHIFT_LIMIT || Math.abs(s.sdRatio - 1) > SD_RATIO_LIMIT);
  const [outer, effects] = [off.filter((s) => !isRandom.has(s.coord)), off.filter((s) => isRandom.has(s.coord))];
  const shown = [...outer, ...effects].slice(0, Math.max(5, outer.length + Math.min(5, effects.length)));
  const text = shown.map((s) => `'${names[s.coord]}' (mean ${s.shift >= 0 ? '+' : ''}${s.shift.toFixed(2)} sd, sd x${s.sdRatio.toFixed(2)})`).join(', ');
  return { count: off.length, text: off.length > shown.length ? `${text} and ${off.length - shown.length} more` : text, params: off.map((s) => names[s.coord]) };
}

/**
 * The k-hat warning every Gaussian approximation gives (Laplace, nested Laplace's latent field, VI),
 * saying only what was checked: above the threshold, that the approximation is poor and which quantities
 * reweighting moves; below it, which quantities move (if any), and that --psis applies the
 * reweighting only where `psisApplies` (a single Gaussian whose PSIS ESS was measured); nothing when no
 * quantity moves past the limits.
 */
export function khatWarnings(o: {
  readonly what: string; readonly r: PsisResult; readonly shifts: readonly ReweightShift[]; readonly names: readonly string[];
  readonly psisApplies: boolean; readonly reweighted: boolean; readonly instead: string;
  /** The random effects' coordinates: named after the fixed effects and hyperparameters. */
  readonly random?: readonly number[];
}): EngineWarning[] {
  const { r } = o;
  // Near-uniform weights (ESS at 90% of the draws or more): reweighting changes nothing, and k-hat's tail
  // fit to such weights is noise (it can exceed 1 on an almost exactly Gaussian posterior).
  if (r.ess >= 0.9 * r.logWeights.length) return [];
  const digits = r.khat.toFixed(2) === r.threshold.toFixed(2) ? 3 : 2;
  const moved = describeShifts(o.shifts, o.names, o.random);
  const moves = moved.count > 0 ? `; importance reweighting moves ${moved.text}` : '';
  if (r.khat > r.threshold) {
    return [sentenceWarning('khat-poor', `Pareto k-hat = ${r.khat.toFixed(digits)} > ${r.threshold.toFixed(digits)}: ${o.what} is poor in the tails, so its sds and intervals ` +
      `are likely too narrow and PSIS reweighting is unreliable${moves}; use ${o.instead} for ${moved.count > 0 ? 'these' : 'sds and intervals'}, or trust only the means`,
      moved.params, { khat: r.khat, threshold: r.threshold, psisEss: r.ess })];
  }
  if (moved.count > 0) {
    // Within the threshold the weights are reliable, so what they move is what the Gaussian misses, even
    // at a small k-hat (a skewed posterior with light tails: a separated logistic regression's slope).
    const remedy = o.reweighted ? `the draws are reweighted (PSIS effective sample size ${Math.round(r.ess)})`
      : o.psisApplies ? `--psis applies this reweighting (PSIS effective sample size ${Math.round(r.ess)} of ${r.logWeights.length} draws)`
        : `${o.instead} for exact tails`;
    // At k-hat <= 0.5 the approximation's tails are fine (the weights are reliable); what is off is its
    // centre or shape, which the reweighting shows.
    const verdict = r.khat <= 0.5 ? `the importance weights are reliable and show that ${o.what} is off` : `${o.what} is usable but imperfect`;
    return [sentenceWarning('khat-shifts', `Pareto k-hat = ${r.khat.toFixed(2)}: ${verdict}${moves}; ${remedy}`, moved.params, { khat: r.khat, threshold: r.threshold, psisEss: r.ess })];
  }
  return [];
}
