import { warning } from '../../core/warning.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import type { ViProgress } from '../../core/progress.js';
import { InferenceError } from '../../core/errors.js';
import type { EngineResult } from '../result.js';
import { makeFamily, type FamilyKind } from './family.js';
import { elboEstimate, finalDraws } from './final.js';
import { DENSE_FRAME_MAX, frameAtMode, frameFromNested, randomFrame, type Frame } from './frame.js';
import { optimize } from './optimize.js';
import { elboTrace, type WindowStats } from './schedule.js';
import type { ViSettings } from './settings.js';
import { comparisonWarning, khatWarning, meanFieldWarning, optimizerWarnings, vsStart } from './warnings.js';

/** Above this many parameters fullrank refuses (E517): its dense factor makes every step O(dim^2) per draw. */
export const FULLRANK_MAX_DIM = 2000;

/** Draws for the ELBO check of the start against the result (common random numbers for both). */
const ELBO_CHECK_DRAWS = 256;
/** How far (nats, at least) the windowed ELBO may stay below the start's before the run counts as diverged. */
const FALL_MARGIN = 50;

export interface ViOptions {
  readonly rng: Rng;
  /** Draws returned from the final q (more with --psis, until the PSIS ESS reaches minEss). */
  readonly draws: number;
  readonly psis: boolean;
  readonly settings: ViSettings;
  readonly minEss?: number;
  readonly maxDraws?: number;
  /** Called after every window of steps (for a progress line): the step, the step limit, the windowed ELBO and the learning rate. */
  readonly onProgress?: (p: ViProgress) => void;
}

/**
 * The start: the nested Laplace fit where the model has a latent field (every hierarchical model), else
 * the Gaussian at the joint mode (its errors, E503-E507, name what is wrong with the model).
 */
function startAtMode(ld: LogDensity, rng: Rng, kind: FamilyKind): Frame {
  return frameFromNested(ld, rng.child('nested'), kind === 'fullrank' || ld.dim <= DENSE_FRAME_MAX) ?? frameAtMode(ld, rng);
}

/**
 * Gaussian variational inference, mean-field ('advi') or full-rank ('fullrank'): start (the Laplace fit,
 * or the TFP recipe's random start), stochastic ELBO ascent with iterate averaging (optimize.ts), then
 * draws from q with the ELBO and PSIS's k-hat (final.ts), and warnings that say what to do.
 */
export function runVi(ld: LogDensity, kind: FamilyKind, o: ViOptions): EngineResult {
  const s = o.settings;
  if (kind === 'fullrank' && ld.dim > FULLRANK_MAX_DIM) {
    // Each step multiplies every draw by a dim x dim factor: at 4,000 parameters (InstEval's crossed
    // effects) hours of steps for a Gaussian the nested Laplace fit already gives on sparse matrices.
    throw new InferenceError('E517', `fullrank VI with ${ld.dim} parameters: its covariance factor has ${(ld.dim * (ld.dim + 1) / 2).toExponential(1)} entries and each step costs ${ld.dim}^2 per draw`,
      '--engine laplace integrates the random effects out on sparse matrices (the Gaussian fullrank would start from); --engine advi is the mean-field alternative');
  }
  const t0 = performance.now();
  const frame = s.init === 'mode' ? startAtMode(ld, o.rng, kind) : randomFrame(ld.dim, o.rng.child('vi-init'), s.initScale);
  const family = makeFamily(kind, frame);
  const t1 = performance.now();
  const scaleOf = (lambda: Float64Array): Float64Array => frame.laplaceSd ?? family.sd(lambda);
  // Stochastic ascent can diverge from a good start (a funnel's scale drawn far out gives a huge step):
  // then q ends far below the Laplace fit it started from (in the median log ratio, robust to the few
  // draws that dominate a diverged q's ELBO). Rerun at a fifth of the learning
  // rate (Stan's ADVI adapts eta the same way), at most twice. The TFP recipe is rerun as published.
  // A run whose windowed ELBO (a mean, which a diverged q's worst draws drag far down; with the model's
  // constant, which elboEstimate leaves out) stays far below the start's median stops early, as diverged:
  // only a collapse, since in a funnel the mean and the median part by tens of nats.
  const checked = s.recipe === 'glimmer' && frame.source !== 'random';
  const start = checked ? elboEstimate(ld, family, family.initial(), o.rng.child('elbo-check'), ELBO_CHECK_DRAWS) : undefined;
  const floor = start ? start.median + ld.constant - 3 * start.mcse - Math.max(FALL_MARGIN, 0.25 * Math.abs(start.median)) : -Infinity;
  const progress = (lr: number) => (w: WindowStats): void => o.onProgress?.({ step: w.step, steps: s.steps, elbo: w.elbo, lr });
  let fit = optimize(ld, family, s, o.rng.child('vi-steps'), scaleOf, floor, progress(s.lr));
  const lrs = [s.lr];
  if (start) {
    for (let retry = 1; retry <= 2; retry++) {
      const end = elboEstimate(ld, family, fit.lambda, o.rng.child('elbo-check'), ELBO_CHECK_DRAWS);
      if (fit.stopReason !== 'fell-below-start' && !(end.median < start.median - 3 * start.mcse - 0.5)) break;
      lrs.push(lrs[lrs.length - 1] / 5);
      fit = optimize(ld, family, { ...s, lr: lrs[lrs.length - 1] }, o.rng.child(`vi-steps-${retry}`), scaleOf, floor, progress(lrs[lrs.length - 1]));
    }
    // Collapsed at every rate: the start (the nested Laplace fit's Gaussian, inside the family) has the
    // higher ELBO than anything the optimizer reached, so by VI's own criterion it is the answer.
    if (fit.stopReason === 'fell-below-start') fit = { ...fit, lambda: family.initial() };
  }
  if (fit.windows.length > 0 && fit.windows.every((w) => w.elbo === -Infinity)) {
    throw new InferenceError('E504', 'variational inference failed: the log density was not finite at any Monte Carlo draw',
      s.init === 'random' ? 'try --init mode' : 'the Gaussian started from the Laplace fit but its draws overflowed the log density; use --engine laplace (nested) or --engine nuts');
  }
  const t2 = performance.now();
  const minEss = o.minEss ?? 1000;
  const out = finalDraws(ld, family, fit.lambda, o.rng.child('vi-draws'), { draws: o.draws, reweight: o.psis, minEss, maxDraws: o.maxDraws ?? 64000 });
  const t3 = performance.now();
  const mean = family.mean(fit.lambda);
  const sd = family.sd(fit.lambda);
  const warnings = [
    ...khatWarning(kind, out.psis, o.psis, out.draws, ld.names, ld.latent),
    ...(kind === 'meanfield' ? [meanFieldWarning(sd, frame.laplaceSd, ld.thetaNames, ld.latent)] : []),
    ...optimizerWarnings(fit, s, fit.steps * s.mcDraws),
    ...(lrs.length > 1 ? [warning('vi-lr-rerun', { figures: { lr: lrs[lrs.length - 1] }, items: lrs.slice(0, -1) })] : []),
    ...comparisonWarning(kind, mean, sd, frame, ld.thetaNames, ld.latent.filter((c) => !(ld.linear ?? []).includes(c))),
    ...(o.psis && out.psis.ess < minEss ? [warning('psis-low-ess', { figures: { psisEss: out.psis.ess, minEss, draws: out.draws.length } })] : []),
  ];
  return {
    engine: kind === 'meanfield' ? 'advi' : 'fullrank',
    draws: out.draws,
    weights: o.psis ? out.psis.logWeights.map(Math.exp) : undefined,
    diagnostics: {
      kind: 'vi',
      family: kind, recipe: s.recipe, optimizer: s.optimizer, lr: lrs[lrs.length - 1], lrReruns: lrs.length - 1, mcDraws: s.mcDraws, init: s.init, averaging: s.average, estimator: s.estimator,
      steps: fit.steps, stopReason: fit.stopReason, climbSteps: fit.climbSteps, averagedSteps: fit.averagedSteps,
      mcseMean: fit.mcseMean, mcseLogSd: fit.mcseLogSd, ...(s.average ? {} : { iterateSd: fit.iterateSd }),
      elbo: out.elbo, elboMcse: out.elboMcse, elboTrace: elboTrace(fit.windows),
      khat: out.psis.khat, khatThreshold: out.psis.threshold, psisEss: out.psis.ess, nDraws: out.draws.length,
      droppedDraws: fit.dropped, nonFiniteDraws: out.nonFinite,
      start: frame.source,
      ...(frame.source === 'nested' ? { vsLaplace: vsStart(mean, sd, frame) } : {}),
      ...(frame.mode ? { modeIterations: frame.mode.iterations, modeReason: frame.mode.reason, logDensityAtMode: frame.mode.logDensity } : {}),
    },
    warnings,
    timings: { initMs: t1 - t0, optimizeMs: t2 - t1, drawsMs: t3 - t2 },
    trace: { step: Float64Array.from(fit.windows, (w) => w.step), elbo: Float64Array.from(fit.windows, (w) => w.elbo) },
    gaussian: { mean, sd },
  };
}
