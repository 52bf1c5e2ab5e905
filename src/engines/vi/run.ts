import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { InferenceError } from '../../core/errors.js';
import type { EngineResult } from '../result.js';
import { makeFamily, type FamilyKind } from './family.js';
import { finalDraws } from './final.js';
import { frameAtMode, frameFromNested, randomFrame, type Frame } from './frame.js';
import { optimize } from './optimize.js';
import { elboTrace } from './schedule.js';
import type { ViSettings } from './settings.js';
import { comparisonWarning, khatWarning, meanFieldWarning, optimizerWarnings, vsStart } from './warnings.js';

export interface ViOptions {
  readonly rng: Rng;
  /** Draws returned from the final q (more with --psis, until the PSIS ESS reaches minEss). */
  readonly draws: number;
  readonly psis: boolean;
  readonly settings: ViSettings;
  readonly minEss?: number;
  readonly maxDraws?: number;
}

/**
 * The start: the nested Laplace fit where the model has a latent field (every hierarchical model), else
 * the Gaussian at the joint mode (its errors, E503-E507, name what is wrong with the model).
 */
function startAtMode(ld: LogDensity, rng: Rng): Frame {
  return frameFromNested(ld, rng.child('nested')) ?? frameAtMode(ld, rng);
}

/**
 * Gaussian variational inference, mean-field ('advi') or full-rank ('fullrank'): start (the Laplace fit,
 * or the TFP recipe's random start), stochastic ELBO ascent with iterate averaging (optimize.ts), then
 * draws from q with the ELBO and PSIS's k-hat (final.ts), and warnings that say what to do.
 */
export function runVi(ld: LogDensity, kind: FamilyKind, o: ViOptions): EngineResult {
  const s = o.settings;
  const t0 = performance.now();
  const frame = s.init === 'mode' ? startAtMode(ld, o.rng) : randomFrame(ld.dim, o.rng.child('vi-init'), s.initScale);
  const family = makeFamily(kind, frame);
  const t1 = performance.now();
  const fit = optimize(ld, family, s, o.rng.child('vi-steps'), (lambda) => frame.laplaceSd ?? family.sd(lambda));
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
    ...khatWarning(kind, out.psis, o.psis, out.draws, ld.names),
    ...(kind === 'meanfield' ? [meanFieldWarning(sd, frame.laplaceSd, ld.thetaNames)] : []),
    ...optimizerWarnings(fit, s, fit.steps * s.mcDraws),
    ...comparisonWarning(kind, mean, sd, frame, ld.thetaNames, ld.latent.filter((c) => !(ld.linear ?? []).includes(c))),
    ...(o.psis && out.psis.ess < minEss ? [`PSIS effective sample size ${out.psis.ess.toFixed(0)} < ${minEss} after ${out.draws.length} draws: the reweighted estimates are unreliable`] : []),
  ];
  return {
    engine: kind === 'meanfield' ? 'advi' : 'fullrank',
    draws: out.draws,
    weights: o.psis ? out.psis.logWeights.map(Math.exp) : undefined,
    diagnostics: {
      family: kind, recipe: s.recipe, optimizer: s.optimizer, lr: s.lr, mcDraws: s.mcDraws, init: s.init, averaging: s.average, estimator: s.estimator,
      steps: fit.steps, stopReason: fit.stopReason, climbSteps: fit.climbSteps, averagedSteps: fit.averagedSteps,
      mcseMean: fit.mcseMean, mcseLogSd: fit.mcseLogSd, ...(s.average ? {} : { iterateSd: fit.iterateSd }),
      elbo: out.elbo, elboMcse: out.elboMcse, elboTrace: elboTrace(fit.windows),
      khat: out.psis.khat, khatThreshold: out.psis.threshold, psisEss: out.psis.ess, nDraws: out.draws.length,
      droppedDraws: fit.dropped, nonFiniteDraws: out.nonFinite,
      start: frame.source,
      ...(frame.source === 'nested' ? vsStart(mean, sd, frame) : {}),
      ...(frame.mode ? { modeIterations: frame.mode.iterations, modeReason: frame.mode.reason, logDensityAtMode: frame.mode.logDensity } : {}),
    },
    warnings,
    timings: { initMs: t1 - t0, optimizeMs: t2 - t1, drawsMs: t3 - t2 },
    trace: { step: Float64Array.from(fit.windows, (w) => w.step), elbo: Float64Array.from(fit.windows, (w) => w.elbo) },
    gaussian: { mean, sd },
  };
}
