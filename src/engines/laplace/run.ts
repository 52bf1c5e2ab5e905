import { warning, type EngineWarning } from '../../core/warning.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { psis, type PsisResult } from '../../diagnostics/psis.js';
import { khatWarnings, reweightedShifts } from '../../diagnostics/psis_shifts.js';
import type { EngineResult } from '../result.js';
import { solveLower, solveLowerT } from '../../math/triangular.js';
import { drawGaussian, marginalSds, type Gaussian } from './gaussian.js';
import { gaussianAtMode } from './mode.js';

export interface LaplaceOptions {
  readonly draws: number;
  readonly rng: Rng;
  /** Reweight the draws by Pareto-smoothed importance ratios, adding draws until the ESS reaches minEss. */
  readonly psis: boolean;
  readonly minEss?: number;
  readonly maxDraws?: number;
}

const BATCH = 32;

/**
 * The gradient at a converged mode is noise, and the Newton step it implies is a tiny fraction of a
 * posterior sd (about 1e-7 on ZEB2 and the eight schools); past a hundredth of an sd the means and
 * intervals visibly move, so the user is told.
 */
export const MODE_OFFSET_LIMIT = 0.01;

/** How far the Newton step P^-1 g from where the optimizer stopped would move each coordinate, in its sds; the largest. */
export function modeOffsetSds(g: Gaussian, grad: Float64Array): number {
  const step = solveLowerT(g.L, solveLower(g.L, grad));
  const sd = marginalSds(g);
  return step.reduce((m, x, i) => Math.max(m, Math.abs(x) / sd[i]), 0);
}

/** Draws from the Gaussian and the log importance ratios log p - log q, by batched exact log densities. */
function drawWithRatios(ld: LogDensity, g: Gaussian, rng: Rng, n: number): { draws: Float64Array[]; logRatios: number[] } {
  const draws: Float64Array[] = [];
  const logRatios: number[] = [];
  for (let i = 0; i < n; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - i) }, () => drawGaussian(g, rng));
    const lp = ld.valueBatch(batch.map((b) => b.theta));
    batch.forEach((b, k) => {
      draws.push(b.theta);
      logRatios.push(Number.isFinite(lp[k]) ? lp[k] - b.logq : -Infinity);
    });
  }
  return { draws, logRatios };
}

function qualityWarnings(ld: LogDensity, r: PsisResult, draws: readonly Float64Array[], usedPsis: boolean, minEss: number): EngineWarning[] {
  const w = khatWarnings({
    approximation: 'joint-mode', r, shifts: reweightedShifts(r, draws, Array.from({ length: ld.dim }, (_, i) => i)), names: ld.names,
    // Nested Laplace needs a latent field; without one (this fallback's case) only NUTS does better.
    psisApplies: true, reweighted: usedPsis, instead: ld.latent.length > 0 ? ['nested', 'nuts'] : ['nuts'], random: ld.latent,
  });
  if (usedPsis && r.ess < minEss) {
    w.push(warning('psis-low-ess', { figures: { psisEss: r.ess, minEss, draws: draws.length } }));
  }
  return w;
}

/**
 * The Laplace approximation: the mode in theta (L-BFGS, then Newton polish), a Gaussian with the
 * negative Hessian there as precision, draws from it, and PSIS's k-hat to say how good it is.
 */
export function runLaplace(ld: LogDensity, opts: LaplaceOptions): EngineResult {
  const t0 = performance.now();
  const { opt, polished, gaussian: g } = gaussianAtMode(ld, opts.rng);
  const t1 = performance.now();
  const drawRng = opts.rng.child('laplace-draws');
  let { draws, logRatios } = drawWithRatios(ld, g, drawRng, opts.draws);
  let result = psis(Float64Array.from(logRatios));
  const minEss = opts.minEss ?? 1000;
  const maxDraws = opts.maxDraws ?? 64000;
  if (opts.psis) {
    while (result.ess < minEss && draws.length < maxDraws) {
      const more = drawWithRatios(ld, g, drawRng, Math.min(draws.length, maxDraws - draws.length));
      draws = draws.concat(more.draws);
      logRatios = logRatios.concat(more.logRatios);
      result = psis(Float64Array.from(logRatios));
    }
  }
  const t2 = performance.now();
  const warnings = qualityWarnings(ld, result, draws, opts.psis, minEss);
  const offset = modeOffsetSds(g, polished.grad);
  if (offset > MODE_OFFSET_LIMIT) {
    warnings.push(warning('mode-not-converged', { figures: { gradNorm: polished.gradNorm, offsetSds: offset, newtonSteps: polished.steps }, facts: { reason: opt.reason } }));
  }
  return {
    engine: 'laplace',
    draws,
    weights: opts.psis ? result.logWeights.map(Math.exp) : undefined,
    diagnostics: {
      kind: 'laplace-joint',
      khat: result.khat,
      khatThreshold: result.threshold,
      psisEss: result.ess,
      nDraws: draws.length,
      optimizerIterations: opt.iterations,
      optimizerEvaluations: opt.evaluations,
      optimizerReason: opt.reason,
      gradNormAtMode: polished.gradNorm,
      modeOffsetSds: offset,
      logDensityAtMode: ld.valueAndGrad(polished.theta).value + ld.constant,
    },
    warnings,
    timings: { modeMs: t1 - t0, drawsMs: t2 - t1 },
    gaussian: { mean: g.mean, sd: marginalSds(g) },
  };
}
