import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import type { EngineResult } from '../result.js';
import { drawGaussian, gaussianFromPrecision, marginalSds, type Gaussian } from './gaussian.js';
import { assemble, splitOf, type Split } from './marginal_inner.js';
import { cholSolve } from './marginal_linalg.js';
import { LaplaceMarginal } from './marginal_objective.js';
import { startingPoint } from './marginal_start.js';
import { initialPoint } from '../init_point.js';
import { maximiseMarginal, outerCovariance, type OuterCovariance, type OuterEstimate } from './marginal_outer.js';

/**
 * The marginal Laplace engine (lme4's nAGQ = 1, glmmTMB, TMB: Kristensen et al. 2016): the latent
 * Gaussian vectors u = theta[ld.latent] are integrated out by a Laplace approximation at their
 * conditional mode, the outer parameters phi maximise that marginal, their standard errors come
 * from its Hessian, and the random effects are reported by conditional modes and conditional sds.
 * On a maximum-likelihood density (compile(..., { ml: true })) these are lme4's numbers; on a
 * posterior density, the marginal posterior mode.
 */

export interface MarginalLaplaceOptions {
  readonly draws: number;
  readonly rng: Rng;
  /** L-BFGS iterations on the outer parameters (default 1000). */
  readonly maxIterations?: number;
}

export function runMarginalLaplace(ld: LogDensity, opts: MarginalLaplaceOptions): EngineResult {
  // Finite differences of L need float64: a float32 density hands over its float64 twin.
  const exact = ld.float64Twin?.() ?? ld;
  try {
    return run(exact, opts);
  } finally {
    if (exact !== ld) exact.dispose();
  }
}

function run(ld: LogDensity, opts: MarginalLaplaceOptions): EngineResult {
  const t0 = performance.now();
  const split = splitOf(ld);
  const marginal = new LaplaceMarginal(ld, split);
  // theta = 0, or where the joint density is not finite there, a seeded random point (init_point.ts).
  const init = initialPoint(ld, opts.rng.child('init'), { first: new Float64Array(ld.dim) });
  const start = startingPoint(ld, split, init.theta);
  marginal.seed(start.u);
  let est = maximiseMarginal(marginal, start.phi, opts.maxIterations ?? 1000);
  if (!marginal.patternHolds(est.phi, est.point.inner)) {
    marginal.useDense();
    est = maximiseMarginal(marginal, est.phi, opts.maxIterations ?? 1000);
  }
  const t1 = performance.now();

  const inner = est.point.inner;
  const outer = outerCovariance(est.hessian, est.scale);
  const latentNames = split.latent.map((i) => ld.thetaNames[i]);
  const latent = gaussianFromPrecision(inner.u, inner.precision, latentNames);
  const estimates = pointEstimates(split, est, outer, latent, inner.chol);

  const draws = drawMarginal(split, est.phi, outer, latent, opts.rng.child('marginal-laplace-draws'), opts.draws);
  const t2 = performance.now();

  const scaledGrad = est.grad.reduce((m, g, i) => Math.max(m, Math.abs(g) * est.scale[i]), 0);
  return {
    engine: 'laplace-marginal',
    draws,
    diagnostics: {
      logLik: est.point.value + ld.constant,
      outerDim: split.outer.length,
      latentDim: split.latent.length,
      latentHessianGroups: marginal.hessianGroups,
      optimizerIterations: est.lbfgs.iterations,
      optimizerReason: est.lbfgs.reason,
      newtonPolishSteps: est.newtonSteps,
      gradNormAtMode: est.grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0),
      scaledGradNormAtMode: scaledGrad,
      hessianConditionScaled: outer.flat.length > 0 ? Infinity : outer.extremes[1] / outer.extremes[0],
      marginalEvaluations: marginal.evaluations,
      gradientEvaluations: marginal.gradientEvaluations,
      innerNewtonSteps: marginal.newtonSteps,
      innerUnconverged: marginal.innerFailures,
      nDraws: draws.length,
    },
    warnings: warningsFor(ld, split, est, outer, scaledGrad),
    timings: { modeMs: t1 - t0, drawsMs: t2 - t1 },
    gaussian: { mean: estimates.theta, sd: estimates.sd },
    estimates,
  };
}

/**
 * phi ~ N(phi-hat, (-H)^-1) and, independently, u ~ N(u-hat(phi-hat), (-H_uu)^-1). This ignores how
 * u-hat moves with phi, as lme4's conditional sds do, so u's spread is slightly understated and
 * the draws carry no correlation between the fixed effects and the random effects.
 */
function drawMarginal(split: Split, phiHat: Float64Array, outer: OuterCovariance, latent: Gaussian, rng: Rng, n: number): Float64Array[] {
  return Array.from({ length: n }, () => {
    const phi = Float64Array.from(phiHat);
    for (const w of outer.factor) {
      const z = rng.normal();
      for (let i = 0; i < phi.length; i++) phi[i] += z * w[i];
    }
    return assemble(split, phi, drawGaussian(latent, rng).theta);
  });
}

/** The exact point values and sds: outer block (-H)^-1, latent block (-H_uu)^-1, no cross terms. */
function pointEstimates(split: Split, est: OuterEstimate, outer: OuterCovariance, latent: Gaussian, chol: Float64Array[]):
  { theta: Float64Array; covariance: Float64Array[]; sd: Float64Array } {
  const d = split.dim;
  const covariance = Array.from({ length: d }, () => new Float64Array(d));
  split.outer.forEach((i, a) => split.outer.forEach((j, b) => (covariance[i][j] = outer.covariance[a][b])));
  split.latent.forEach((j, b) => {
    const column = cholSolve(chol, Float64Array.from(split.latent, (_, a) => (a === b ? 1 : 0)));
    split.latent.forEach((i, a) => (covariance[i][j] = column[a]));
  });
  const sd = Float64Array.from(covariance, (r, i) => Math.sqrt(r[i]));
  const latentSd = marginalSds(latent);
  split.latent.forEach((i, a) => (sd[i] = latentSd[a]));
  // No standard error along a flat direction: NaN for the coordinates that dominate it.
  for (const f of outer.flat) sd[split.outer[dominant(f.vector)]] = NaN;
  return { theta: assemble(split, est.phi, latent.mean), covariance, sd };
}

function dominant(v: Float64Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  return best;
}

function warningsFor(ld: LogDensity, split: Split, est: OuterEstimate, outer: OuterCovariance, scaledGrad: number): string[] {
  const warnings: string[] = [];
  const name = (v: Float64Array): string => `'${ld.thetaNames[split.outer[dominant(v)]]}'`;
  for (const f of outer.flat) {
    warnings.push('the Hessian of the Laplace marginal is not negative definite at the estimate ' +
      `(curvature ${(-f.precision).toExponential(2)} in sd units, flat to within its finite-difference noise, along a direction mostly of ${name(f.vector)}): ` +
      'a boundary estimate (e.g. a variance at 0) or an unidentified parameter; its standard error is not reported (NaN) and the draws do not vary along it');
  }
  if (scaledGrad > 1e-3) {
    warnings.push(`the optimizer stopped (${est.lbfgs.reason}) with a gradient of ${scaledGrad.toExponential(2)} (in sd units): the estimate may be inaccurate`);
  }
  if (!est.point.inner.converged) {
    warnings.push('the inner Newton solve for the random effects did not reach its tolerance at the estimate: the log-likelihood may be inaccurate');
  }
  return warnings;
}
