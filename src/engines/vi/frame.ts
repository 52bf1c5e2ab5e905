import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { marginalSds } from '../laplace/gaussian.js';
import { gaussianAtMode } from '../laplace/mode.js';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { runNestedLaplace } from '../nested/run_posterior.js';

/**
 * The coordinates the optimizer works in: theta = center + L'^-1 w, with L L' the precision of the
 * Laplace Gaussian (L = null: the identity). In w the posterior is close to N(0, I) whatever the
 * scales and correlations of theta, so one learning rate suits every coordinate and the ZEB2 ridge
 * (beta + c, u - c, correlations near 1 with the TFP priors) is no longer a narrow valley for the
 * optimizer. The families themselves are unchanged: any Gaussian (full-rank) or any Gaussian with a
 * diagonal covariance in theta (mean-field) can still be reached; only their means and factors are
 * expressed in w.
 */
export interface Frame {
  readonly center: Float64Array;
  /** Dense rows, or the diagonal alone (a large model's frame: diagonalFrame), or none. */
  readonly L: readonly Float64Array[] | Float64Array | null;
  /** Marginal sds of the Laplace Gaussian: the unit of the convergence test and of the mean-field warning. */
  readonly laplaceSd: Float64Array | null;
  /** 1 / sqrt(P_ii): the sds of the KL-optimal mean-field Gaussian of a Gaussian target (the mean-field start). */
  readonly conditionalSd: Float64Array;
  /** The variational mean's starting point in w. */
  readonly start: Float64Array;
  /** Where the frame came from: the nested Laplace fit, or the Gaussian at the joint mode. */
  readonly source: 'nested' | 'joint' | 'random';
  /** How the mode was found, for the diagnostics. */
  readonly mode?: { readonly iterations: number; readonly reason: string; readonly gradNorm: number; readonly logDensity: number };
}

/**
 * The Laplace fit as starting point (vi-notes sec. 7.1; vistan's "LI" option): L-BFGS to the mode, Newton
 * polish, the finite-difference Hessian there. On ZEB2 it is already within 0.25 posterior sd of NUTS,
 * so the stochastic optimizer only has a short, well-conditioned way to go.
 */
export function frameAtMode(ld: LogDensity, rng: Rng): Frame {
  const { opt, polished, precision, gaussian: g } = gaussianAtMode(ld, rng);
  return {
    center: g.mean,
    L: g.L,
    laplaceSd: marginalSds(g),
    conditionalSd: Float64Array.from(precision, (r, i) => 1 / Math.sqrt(r[i])),
    start: new Float64Array(ld.dim),
    source: 'joint',
    mode: { iterations: opt.iterations, reason: opt.reason, gradNorm: polished.gradNorm, logDensity: ld.valueAndGrad(g.mean).value + ld.constant },
  };
}

/**
 * The TFP tutorial's start (tfp.experimental.vi.build_factored_surrogate_posterior): means uniform on
 * (-2, 2) in theta, every sd `scale` (TFP: 0.01), no preconditioning.
 */
export function randomFrame(dim: number, rng: Rng, scale: number): Frame {
  return {
    center: new Float64Array(dim),
    L: null,
    laplaceSd: null,
    conditionalSd: new Float64Array(dim).fill(scale),
    start: Float64Array.from({ length: dim }, () => 4 * rng.uniform() - 2),
    source: 'random',
  };
}

/** Draws of the nested fit that make the frame: enough for a covariance to a few per cent. */
const NESTED_DRAWS = 4000;

/**
 * The nested Laplace fit as starting point: its mean and covariance (from its draws) in theta. A
 * hierarchical model has no joint mode to start from (a centred scale runs to 0 with its effects), and
 * where it has one, the Gaussian there can sit at an absurd scale; the nested fit is the posterior's own
 * location and spread. Undefined when the model has no latent field: the joint mode is then the start.
 */
export function frameFromNested(ld: LogDensity, rng: Rng, dense = true): Frame | undefined {
  const fit = runNestedLaplace(ld, { draws: NESTED_DRAWS, rng, psis: false });
  if (!fit) return undefined;
  const d = ld.dim;
  const n = fit.draws.length;
  const center = new Float64Array(d);
  for (const t of fit.draws) for (let i = 0; i < d; i++) center[i] += t[i] / n;
  if (!dense) return diagonalFrame(center, fit.draws);
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const t of fit.draws) {
    for (let i = 0; i < d; i++) {
      const a = t[i] - center[i];
      for (let j = 0; j <= i; j++) cov[i][j] += (a * (t[j] - center[j])) / (n - 1);
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[j][i] = cov[i][j];
  const precision = new CholeskyDecomposition(new Matrix(cov.map((r) => Array.from(r))));
  if (!precision.isPositiveDefinite()) return undefined;
  const P = precision.solve(Matrix.eye(d)).to2DArray();
  const chol = new CholeskyDecomposition(new Matrix(P.map((r, i) => r.map((v, j) => 0.5 * (v + P[j][i])))));
  if (!chol.isPositiveDefinite()) return undefined;
  const Lm = chol.lowerTriangularMatrix;
  return {
    center,
    L: Array.from({ length: d }, (_, i) => Float64Array.from(Lm.getRow(i))),
    laplaceSd: Float64Array.from(cov, (r, i) => Math.sqrt(r[i])),
    conditionalSd: Float64Array.from(P, (r, i) => 1 / Math.sqrt(r[i])),
    start: new Float64Array(d),
    source: 'nested',
  };
}

/**
 * Above this many parameters the mean-field family whitens by the nested fit's marginal sds alone: a
 * dense frame costs dim^2 per draw and dim^3 to make (InstEval's 4,120 parameters: past 30 minutes),
 * and its covariance from 4,000 draws is singular anyway.
 */
export const DENSE_FRAME_MAX = 1500;

/** The frame L = diag(1 / sd): each coordinate scaled to unit sd, correlations left to the optimizer. */
function diagonalFrame(center: Float64Array, draws: readonly Float64Array[]): Frame {
  const d = center.length;
  const n = draws.length;
  const variance = new Float64Array(d);
  for (const t of draws) for (let i = 0; i < d; i++) variance[i] += (t[i] - center[i]) ** 2 / (n - 1);
  const sd = variance.map(Math.sqrt);
  return { center, L: sd.map((s) => 1 / s), laplaceSd: sd, conditionalSd: sd, start: new Float64Array(d), source: 'nested' };
}
