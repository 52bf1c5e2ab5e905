import { sentenceWarning, type EngineWarning } from '../../core/warning.js';
import type { PsisResult } from '../../diagnostics/psis.js';
import { khatWarnings, reweightedShifts } from '../../diagnostics/psis_shifts.js';
import type { FamilyKind } from './family.js';
import type { OptimizeResult } from './optimize.js';
import type { ViSettings } from './settings.js';
import type { Frame } from './frame.js';

const pct = (x: number): string => `${Math.round(100 * x)}%`;

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

/**
 * Mean-field's known bias: q ignores posterior correlations, and the reverse-KL optimum then has the
 * conditional sds 1/sqrt(P_ii), below the marginal ones wherever parameters are correlated. Always stated;
 * with the Laplace fit at hand, with numbers.
 */
export function meanFieldWarning(sd: Float64Array, laplaceSd: Float64Array | null, names: readonly string[], latent: readonly number[] = []): EngineWarning {
  const base = 'mean-field VI ignores correlations between parameters and underestimates posterior sds';
  if (!laplaceSd) return sentenceWarning('meanfield-sds', `${base}; compare with --engine fullrank before trusting sds or intervals`);
  const ratio = Array.from(sd, (s, i) => s / laplaceSd[i]);
  // The battery's yardstick: an sd more than 20% off. Every fixed effect and hyperparameter that short is
  // named (a slope's sd a twelfth of the truth must not hide behind a count); random effects are counted.
  const isLatent = new Set(latent);
  const short = ratio.flatMap((r, i) => (r < 0.8 ? [i] : [])).sort((a, b) => ratio[a] - ratio[b]);
  const outer = short.filter((i) => !isLatent.has(i));
  const effects = short.filter((i) => isLatent.has(i));
  if (short.length === 0) return sentenceWarning('meanfield-sds', `${base}; here every sd is within 20% of the nested Laplace fit's`, [], { short: 0 });
  const parts = [
    ...outer.map((i) => `'${names[i]}' (${pct(1 - ratio[i])} below)`),
    ...(effects.length > 0 ? [`${effects.length} random effect${effects.length > 1 ? 's' : ''} (worst '${names[effects[0]]}', ${pct(1 - ratio[effects[0]])} below)`] : []),
  ];
  return sentenceWarning('meanfield-sds', `${base}: ${short.length} of ${sd.length} sds are more than 20% below the nested Laplace fit's: ${parts.join(', ')}; ` +
    'use --engine fullrank, laplace or nuts for sds and intervals, or trust only the means', short.map((i) => names[i]), { short: short.length, worstRatio: ratio[short[0]] });
}

/** What the optimizer's own record says about the answer's stability. */
export function optimizerWarnings(o: OptimizeResult, s: ViSettings, totalDraws: number): EngineWarning[] {
  const w: EngineWarning[] = [];
  if (o.stopReason === 'max-steps') {
    w.push(sentenceWarning('vi-step-limit', `VI reached its step limit (${s.steps}) before the averaged answer settled (MCSE ${o.mcseMean.toFixed(3)} posterior sd, ` +
      `${o.mcseLogSd.toFixed(3)} in log sd; target ${s.tol}): raise --steps, or check the spread with --runs`, [], { steps: s.steps, mcseMean: o.mcseMean, mcseLogSd: o.mcseLogSd }));
  }
  if (o.stopReason === 'fell-below-start') {
    const last = o.windows[o.windows.length - 1];
    w.push(sentenceWarning('vi-diverged', `VI diverged from its start at every learning rate tried (its windowed ELBO stayed far below the start's: ${last.elbo.toPrecision(5)} at step ${last.step}): ` +
      `the answer is that start, the nested Laplace fit's Gaussian, whose ELBO is higher than any q the optimizer reached; use --engine laplace or nuts`, [], { elbo: last.elbo, step: last.step }));
  }
  if (o.stillRising) {
    const [a, b] = [o.windows[o.windows.length - 4], o.windows[o.windows.length - 1]];
    w.push(sentenceWarning('vi-still-rising', `the ELBO was still rising when the ${s.steps} steps ran out (${a.elbo.toFixed(1)} at step ${a.step}, ${b.elbo.toFixed(1)} at step ${b.step}): ` +
      `the optimizer had not converged; raise --steps, or use the default recipe (start at the mode)`, [], { steps: s.steps }));
  }
  if (!s.average) {
    const unit = s.init === 'mode' ? 'posterior sds (Laplace)' : "of q's own sds";
    w.push(sentenceWarning('vi-no-averaging', `no iterate averaging: the answer is the last iterate of a noisy optimizer, whose means still moved by up to ` +
      `${o.iterateSd.toFixed(2)} ${unit} over its last ${Math.min(500, o.steps)} steps; expect other seeds to give other answers (check with --runs)`, [], { iterateSd: o.iterateSd }));
  }
  if (o.dropped > 0.01 * totalDraws) {
    w.push(sentenceWarning('vi-dropped-draws', `${o.dropped} of ${totalDraws} Monte Carlo draws had a non-finite log density and were dropped: the optimizer may have wandered into overflow`, [], { dropped: o.dropped, draws: totalDraws }));
  }
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
  // Every fixed effect and hyperparameter that is off is named (they are few and they are what a user
  // reads); random effects up to five, then a count.
  const [outer, effects] = [off.filter((o) => !isLatent.has(o.i)), off.filter((o) => isLatent.has(o.i))];
  const describe = (o: (typeof off)[number]): string => `${names[o.i]} (mean ${o.shift >= 0 ? '+' : ''}${o.shift.toFixed(2)} sd, sd x${o.ratio.toFixed(2)})`;
  const listed = [...outer, ...effects.slice(0, 5)].map(describe);
  if (effects.length > 5) listed.push(`${effects.length - 5} more random effects`);
  return [sentenceWarning('vi-vs-laplace', `the ${kind === 'meanfield' ? 'mean-field' : 'full-rank'} Gaussian disagrees with the nested Laplace fit it started from on ${off.length} ` +
    `quantit${off.length === 1 ? 'y' : 'ies'}: ${listed.join(', ')} (in the unconstrained parameters). A Gaussian in all ` +
    'parameters jointly cannot follow a hierarchical scale; --engine laplace (nested) or --engine nuts is the better guide for these', off.map((o) => names[o.i]))];
}
