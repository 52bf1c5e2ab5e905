import { warning, type EngineWarning } from '../../core/warning.js';
import type { PsisResult } from '../../diagnostics/psis.js';
import { khatWarnings, reweightedShifts } from '../../diagnostics/psis_shifts.js';
import type { FamilyKind } from './family.js';
import type { OptimizeResult } from './optimize.js';
import type { ViSettings } from './settings.js';
import type { Frame } from './frame.js';

/**
 * k-hat of log p - log q (Yao et al. 2018): above the threshold the Gaussian misses mass in the posterior's
 * tails, so sds and intervals are too narrow and PSIS cannot repair it; the means may still be usable.
 * Between 0.5 and the threshold, the quantities that reweighting moves are named.
 */
export function khatWarning(kind: FamilyKind, r: PsisResult, reweighted: boolean, draws: readonly Float64Array[], names: readonly string[], random: readonly number[] = []): EngineWarning[] {
  const coords = Array.from({ length: names.length }, (_, i) => i);
  return khatWarnings({
    approximation: kind, r, shifts: reweightedShifts(r, draws, coords), names, psisApplies: true, reweighted, random,
    instead: kind === 'meanfield' ? ['fullrank', 'laplace', 'nuts'] : ['nested', 'nuts'],
  });
}

/** How far below the nested Laplace fit's a mean-field sd may be before it is named: the battery's yardstick. */
const SD_SHORT = 0.2;

/**
 * Mean-field's known bias: q ignores posterior correlations, and the reverse-KL optimum then has the
 * conditional sds 1/sqrt(P_ii), below the marginal ones wherever parameters are correlated. Always stated;
 * with the Laplace fit at hand, with numbers.
 */
export function meanFieldWarning(sd: Float64Array, laplaceSd: Float64Array | null, names: readonly string[], latent: readonly number[] = []): EngineWarning {
  if (!laplaceSd) return warning('meanfield-sds', {});
  const ratio = Array.from(sd, (s, i) => s / laplaceSd[i]);
  // The battery's yardstick: an sd more than 20% off. Every fixed effect and hyperparameter that short is
  // named (a slope's sd a twelfth of the truth must not hide behind a count); random effects are counted.
  const isLatent = new Set(latent);
  const short = ratio.flatMap((r, i) => (r < 1 - SD_SHORT ? [i] : [])).sort((a, b) => ratio[a] - ratio[b]);
  const figures = { short: short.length, sds: sd.length, limit: SD_SHORT };
  if (short.length === 0) return warning('meanfield-sds', { figures });
  const items = short.map((i) => ({ name: names[i], sdRatio: ratio[i], random: isLatent.has(i) }));
  return warning('meanfield-sds', { figures: { ...figures, worstRatio: ratio[short[0]] }, items }, items.map((i) => i.name));
}

/** What the optimizer's own record says about the answer's stability. */
export function optimizerWarnings(o: OptimizeResult, s: ViSettings, totalDraws: number): EngineWarning[] {
  const w: EngineWarning[] = [];
  if (o.stopReason === 'max-steps') {
    w.push(warning('vi-step-limit', { figures: { steps: s.steps, mcseMean: o.mcseMean, mcseLogSd: o.mcseLogSd, tol: s.tol } }));
  }
  if (o.stopReason === 'fell-below-start') {
    const last = o.windows[o.windows.length - 1];
    w.push(warning('vi-diverged', { figures: { elbo: last.elbo, step: last.step } }));
  }
  if (o.stillRising) {
    const [a, b] = [o.windows[o.windows.length - 4], o.windows[o.windows.length - 1]];
    w.push(warning('vi-still-rising', { figures: { steps: s.steps, earlierElbo: a.elbo, earlierStep: a.step, elbo: b.elbo, step: b.step } }));
  }
  if (!s.average) w.push(warning('vi-no-averaging', { figures: { iterateSd: o.iterateSd, lastSteps: Math.min(500, o.steps) }, facts: { init: s.init } }));
  if (o.dropped > 0.01 * totalDraws) w.push(warning('vi-dropped-draws', { figures: { dropped: o.dropped, draws: totalDraws } }));
  return w;
}

/** Where q lands against the nested Laplace fit it started from: the largest mean shift (its sds) and sd ratio. */
export function vsStart(mean: Float64Array, sd: Float64Array, frame: Frame): { maxMeanShift: number; minSdRatio: number; maxSdRatio: number } {
  const ref = frame.laplaceSd!;
  const shift = Array.from(mean, (m, i) => Math.abs(m - frame.center[i]) / ref[i]);
  const ratio = Array.from(sd, (s, i) => s / ref[i]);
  return { maxMeanShift: Math.max(...shift), minSdRatio: Math.min(...ratio), maxSdRatio: Math.max(...ratio) };
}

/** How far VI may be from the nested Laplace fit before the quantity is named (means in its sds). */
const COMPARE = { shift: 0.12, randomShift: 0.2, sdRatio: 0.15 } as const;

/**
 * VI compared with the nested Laplace fit it started from (the "compare themselves with it"): where
 * they disagree by more than 0.12 sd in a fixed effect's or hyperparameter's mean, 0.2 sd in a random
 * effect's, or 15% in an sd, the quantities are named. Mean-field's sd
 * shortfall has its own warning, so for it only the means count here.
 */
export function comparisonWarning(kind: FamilyKind, mean: Float64Array, sd: Float64Array, frame: Frame, names: readonly string[],
  latent: readonly number[] = []): EngineWarning[] {
  if (frame.source !== 'nested' || !frame.laplaceSd) return [];
  const ref = frame.laplaceSd;
  const isLatent = new Set(latent);
  const off = Array.from(mean, (m, i) => ({ i, shift: (m - frame.center[i]) / ref[i], ratio: sd[i] / ref[i] }))
    // Inside the battery's yardsticks (a fixed effect or hyperparameter off by 0.15 sd, a random effect by
    // 0.25, an sd by 20%), by the margin the nested fit may itself be off by: 0.82 of its sd was 0.78 of
    // NUTS's (an intercept of data near 1e4), unnamed.
    .filter((o) => Math.abs(o.shift) > (isLatent.has(o.i) ? COMPARE.randomShift : COMPARE.shift) || (kind === 'fullrank' && Math.abs(o.ratio - 1) > COMPARE.sdRatio))
    .sort((a, b) => Math.abs(b.shift) + Math.abs(Math.log(b.ratio)) - Math.abs(a.shift) - Math.abs(Math.log(a.ratio)));
  if (off.length === 0) return [];
  const items = off.map((o) => ({ name: names[o.i], shift: o.shift, sdRatio: o.ratio, random: isLatent.has(o.i) }));
  return [warning('vi-vs-laplace', { facts: { family: kind }, items }, items.map((i) => i.name))];
}
