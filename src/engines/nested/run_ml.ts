import { warning } from '../../core/warning.js';
import type { LogDensity } from '../../core/log_density.js';
import type { LaplaceProgress } from '../../core/progress.js';
import type { Rng } from '../../core/rng.js';
import type { EngineResult } from '../result.js';
import { assemble, heldAtZero, makeField, type Field } from './field.js';
import { LaplaceMarginal } from './marginal.js';
import { maximiseMarginal } from './maximise.js';
import type { OuterMode } from './optimize.js';
import { outerCovariance, type OuterCovariance } from './covariance.js';
import { startingPoint } from './start.js';
import { EigenvalueDecomposition, inverse, Matrix } from 'ml-matrix';
import type { MarginalPoint } from './marginal.js';
import { boundaryCoordinates, boundaryWarnings, separationCheck } from './ml_checks.js';
import { aliasedWarnings } from '../aliased_warnings.js';

export interface MlOptions {
  /** REML: the linear fixed effects are integrated out too (flat prior), as lme4's default for Gaussian models. */
  readonly reml: boolean;
  /** Gaussian draws from the estimate's sampling distribution: none unless asked (lme4 gives none). */
  readonly draws: number;
  readonly rng: Rng;
  /** Called after every evaluation of the Laplace marginal (a progress line). */
  readonly onProgress?: (p: LaplaceProgress) => void;
}

/**
 * Maximum likelihood (or REML) with the random effects integrated out by the Laplace approximation, as
 * lme4 (nAGQ = 1) and glmmTMB compute it, on the sparse latent Hessian: estimates, standard errors from
 * the Hessian of the marginal, conditional modes and conditional sds, and the (restricted) log-likelihood.
 */
export function runMaximumLikelihood(ld: LogDensity, opts: MlOptions): EngineResult {
  const exact = ld.float64Twin?.() ?? ld;
  try {
    return run(exact, opts);
  } finally {
    if (exact !== ld) exact.dispose();
  }
}

/**
 * The units in which the outer Hessian's flat directions are judged: each coordinate's conditional sd,
 * except a fixed effect's, which is its marginal sd (1 / sqrt(-H_jj)). A fixed effect cannot sit at a
 * boundary (an unidentified one is separation's, separationCheck), and its conditional sd can be far
 * below its marginal one: counts near 1e6 with an observation-level effect pin the intercept to 1e-4
 * given the effects while its SE is 0.07, so in conditional units its curvature looked flat (a NaN SE
 * and a false boundary warning).
 */
function flatnessScale(field: Field, mode: OuterMode): Float64Array {
  const linear = new Set(field.ld.linear ?? []);
  return mode.scale.map((s, j) => {
    const h = -mode.hessian[j][j];
    return linear.has(field.outer[j]) && h > 0 ? Math.max(s, 1 / Math.sqrt(h)) : s;
  });
}

/**
 * lme4's standard errors for a linear mixed model fitted by ML: the fixed effects' covariance given the
 * variance parameters, (-H_bb)^-1 (lmer's vcov, sigma^2 (X' V^-1 X)^-1), not the block of the full
 * inverse (glmmTMB's, and glmer's for a GLMM). In a linear mixed model the expected information has no
 * cross block between them, so both are right asymptotically, but on an unbalanced design (many groups
 * of one row) the observed cross block moved the SEs 3% from lmer's. The variance parameters keep the
 * full inverse's block (lme4's profiled deviance gives the same). REML integrates the fixed effects out
 * and reports their covariance given the variance parameters already. Only for the models lmer fits (one
 * residual sd, LogDensity.oneResidualSd): a residual sd per group is glmmTMB's, whose SEs are the full
 * inverse's, 3.9% apart on the battery's heteroscedastic case.
 */
function givenVarianceParameters(field: Field, mode: OuterMode, scale: Float64Array, full: OuterCovariance): OuterCovariance {
  const linear = new Set(field.ld.linear ?? []);
  const b = field.outer.flatMap((c, j) => (linear.has(c) ? [j] : []));
  if (b.length === 0 || b.length === field.outer.length) return full;
  const sub = outerCovariance(b.map((i) => Float64Array.from(b, (j) => mode.hessian[i][j])), Float64Array.from(b, (j) => scale[j]));
  const inB = new Set(b);
  const covariance = full.covariance.map((row, i) => Float64Array.from(row, (v, j) => (inB.has(i) || inB.has(j) ? 0 : v)));
  b.forEach((i, r) => b.forEach((j, s) => (covariance[i][j] = sub.covariance[r][s])));
  // Draws (--draws) from the same covariance: its eigenvectors scaled by the root of their eigenvalues.
  const e = new EigenvalueDecomposition(new Matrix(covariance.map((r) => Array.from(r))), { assumeSymmetric: true });
  const top = Math.max(...e.realEigenvalues, 0);
  const factor = e.realEigenvalues.flatMap((l, k) => (l > 1e-14 * top ? [Float64Array.from(e.eigenvectorMatrix.getColumn(k), (v) => v * Math.sqrt(l))] : []));
  return { ...full, covariance, factor };
}

function run(ld: LogDensity, opts: MlOptions): EngineResult {
  const t0 = performance.now();
  const field = makeField(ld, opts.reml ? 'reml' : 'ml');
  const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
  if (opts.onProgress) L.onEvaluate = (evaluations, best) => opts.onProgress!({ evaluations, best });
  const start = startingPoint(field, L, opts.rng.child('init'));
  const mode = maximiseMarginal(L, start.phi);
  const t1 = performance.now();
  // Flatness judged in the same units for the full covariance and for the fixed effects' block.
  const scale = flatnessScale(field, mode);
  const full = outerCovariance(mode.hessian, scale, field.outer.map((i) => ld.thetaNames[i]));
  const outer = ld.oneResidualSd && !opts.reml ? givenVarianceParameters(field, mode, scale, full) : full;
  const estimates = estimatesOf(field, mode, outer);
  separationCheck(field, L, mode, outer);
  const draws = drawEstimates(field, mode, outer, opts.rng.child('ml-draws'), opts.draws);
  const scaledGrad = mode.grad.reduce((m, g, i) => Math.max(m, Math.abs(g) * mode.scale[i]), 0);
  return {
    engine: opts.reml ? 'laplace-reml' : 'laplace-ml',
    draws,
    diagnostics: {
      kind: 'ml',
      logLik: mode.point.value + ld.constant,
      criterion: opts.reml ? 'REML' : 'ML',
      outerDim: field.outer.length,
      latentDim: field.x.length,
      latentNonZeros: field.hessian.pattern.rowIdx.length,
      factorNonZeros: field.symbolic.nnzL,
      structuredHessian: field.structured,
      optimizerIterations: mode.lbfgs.iterations,
      optimizerReason: mode.lbfgs.reason,
      newtonPolishSteps: mode.newtonSteps,
      scaledGradNormAtMode: scaledGrad,
      marginalEvaluations: L.evaluations,
      gradientEvaluations: L.gradientEvaluations,
      innerNewtonSteps: L.innerSteps,
      nDraws: draws.length,
    },
    warnings: [...aliasedWarnings(ld, field.mode), ...boundaryWarnings(field, mode, outer),
      ...(scaledGrad > 1e-3 ? [warning('optimizer-stopped', { figures: { gradNorm: scaledGrad }, facts: { reason: mode.lbfgs.reason } })] : []),
      ...(mode.point.inner.converged ? [] : [warning('inner-not-converged', {})])],
    timings: { modeMs: t1 - t0, drawsMs: performance.now() - t1 },
    gaussian: { mean: estimates.theta, sd: estimates.sd },
    estimates,
  };
}

/**
 * Estimates in theta with their sds: the outer block from (-d2L)^-1, the field's from H^-1 (conditional, as
 * lme4's condVar). Under REML the fixed effects are in the field too, and a random effect's conditional
 * variance is given them, as lme4's: (H_uu)^-1 = (H^-1)_uu - W_u (W_bb)^-1 W_u' with W = H^-1 E_b, the
 * columns of H^-1 for the fixed effects (a few solves), not (H^-1)_uu, which adds their uncertainty.
 */
function estimatesOf(field: Field, mode: OuterMode, outer: OuterCovariance): NonNullable<EngineResult['estimates']> {
  const { inner } = mode.point;
  const theta = assemble(field, mode.phi, inner.x);
  const sd = new Float64Array(field.ld.dim);
  const given = fixedEffectsGiven(field, inner.factor);
  const latentVar = inner.factor.inverseDiagonal();
  field.x.forEach((c, k) => (sd[c] = Math.sqrt(latentVar[k] - (given.isFixed[k] ? 0 : given.reductionAt(k)))));
  field.outer.forEach((c, k) => (sd[c] = Math.sqrt(outer.covariance[k][k])));
  for (const c of heldAtZero(field.ld, field.mode)) sd[c] = NaN;
  const edge = boundaryCoordinates(field, mode, outer);
  for (const c of [...edge.atZero, ...edge.atInfinity]) sd[c] = NaN;
  // A quantity of the integrated coordinates (a random effect on the data scale) gets its conditional
  // variance given the outer estimates (and, under REML, the fixed effects), as lme4's condVar; one of
  // the outer ones alone, the delta method.
  const variance = (g: Float64Array): number => {
    const gx = Float64Array.from(field.x, (c, k) => (given.isFixed[k] ? 0 : g[c]));
    if (gx.some((v) => v !== 0)) {
      const hx = inner.factor.solve(gx);
      return gx.reduce((s, v, k) => s + v * hx[k], 0) - given.reduction(gx);
    }
    let v = 0;
    field.outer.forEach((ci, a) => field.outer.forEach((cj, b) => (v += g[ci] * outer.covariance[a][b] * g[cj])));
    return v;
  };
  return { theta, sd, variance };
}

function unit(n: number, k: number): Float64Array {
  const e = new Float64Array(n);
  e[k] = 1;
  return e;
}

/**
 * For a vector a over the field, a' W (W_bb)^-1 W' a: what conditioning on the fixed effects in the
 * field (REML) takes off a' H^-1 a. Zero when the field holds none (ML: they are outer).
 */
function fixedEffectsGiven(field: Field, factor: MarginalPoint['inner']['factor']): { isFixed: boolean[]; reduction: (a: Float64Array) => number; reductionAt: (k: number) => number } {
  const linear = new Set(field.ld.linear ?? []);
  const isFixed = field.x.map((c) => linear.has(c));
  const b = isFixed.flatMap((f, k) => (f ? [k] : []));
  if (b.length === 0) return { isFixed, reduction: () => 0, reductionAt: () => 0 };
  const W = b.map((k) => factor.solve(unit(field.x.length, k)));
  const Wbb = new Matrix(b.map((_, i) => b.map((k) => W[i][k])));
  const inv = inverse(Wbb);
  return {
    isFixed,
    reduction: (a) => quadratic(W.map((w) => w.reduce((s, v, k) => s + v * a[k], 0))),
    // The same for a unit vector e_k: W' e_k is row k of W, without a pass over the field per coordinate.
    reductionAt: (k) => quadratic(W.map((w) => w[k])),
  };
  function quadratic(t: readonly number[]): number {
    let r = 0;
    for (let i = 0; i < t.length; i++) for (let j = 0; j < t.length; j++) r += t[i] * inv.get(i, j) * t[j];
    return r;
  }
}

export function dominant(v: Float64Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[best])) best = i;
  return best;
}

/** phi ~ N(phi-hat, (-d2L)^-1) and, independently, x ~ N(x-hat, H^-1): only when asked for (--draws). */
function drawEstimates(field: Field, mode: OuterMode, outer: OuterCovariance, rng: Rng, n: number): Float64Array[] {
  const { inner } = mode.point;
  return Array.from({ length: n }, () => {
    const phi = Float64Array.from(mode.phi);
    for (const w of outer.factor) {
      const z = rng.normal();
      for (let i = 0; i < phi.length; i++) phi[i] += z * w[i];
    }
    const dx = inner.factor.drawFromStandard(Float64Array.from(field.x, () => rng.normal()));
    return assemble(field, phi, Float64Array.from(inner.x, (v, k) => v + dx[k]));
  });
}
