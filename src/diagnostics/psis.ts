/**
 * Pareto-smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry 2024, JMLR 25(72)), as in the
 * `loo` R package's psis() with r_eff = 1 (independent draws, e.g. from a variational approximation).
 *
 * The largest importance ratios are replaced by expected order statistics of a generalized Pareto
 * distribution (GPD) fitted to them; the fitted shape k-hat is the diagnostic: below
 * paretoKThreshold(S) the (smoothed) importance-sampling estimate is reliable.
 */
import { logSumExp } from '../math/special.js';

export interface PsisResult {
  /** Estimated GPD shape of the upper tail of the ratios, prior-adjusted as loo reports it. */
  khat: number;
  /** Smoothed and truncated log weights, normalized so that logSumExp(logWeights) = 0. */
  logWeights: Float64Array;
  /** Kish's effective sample size 1 / sum(w^2) of the normalized smoothed weights. */
  ess: number;
  /** Number of draws in the smoothed tail, M = ceil(min(0.2 S, 3 sqrt(S))). */
  tailLength: number;
  /** min(1 - 1/log10(S), 0.7): k-hat above it means the estimate is unreliable. */
  threshold: number;
  /** log of the mean of the smoothed, truncated ratios: PSIS's estimate of log E_q[p / q], steadier than the raw mean's. */
  logMeanRatio: number;
}

/**
 * Sample-size-dependent k-hat threshold (Vehtari et al. 2024, sec. 3): with S draws, a tail with shape
 * k needs about 10^(1 / (1 - k)) draws, so k < 1 - 1/log10(S) is what S draws can support, and never
 * more than 0.7, where the pre-asymptotic error grows quickly whatever S is.
 */
export function paretoKThreshold(S: number): number {
  return Math.min(1 - 1 / Math.log10(S), 0.7);
}

/** M = ceil(min(0.2 S, 3 sqrt(S))) (r_eff = 1); the two bounds cross at S = 225. */
export function psisTailLength(S: number): number {
  return Math.ceil(Math.min(0.2 * S, 3 * Math.sqrt(S)));
}

const MIN_TAIL = 5;
/** Weak prior on k (loo's adjust_k_wip): worth 10 pseudo-observations at k = 0.5. */
const PRIOR_K = 0.5;
const PRIOR_WEIGHT = 10;

/** k(theta) = mean log(1 - theta x): the profile MLE of k given theta = -k / sigma (Zhang & Stephens 2009). */
function profileK(theta: number, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.log1p(-theta * x[i]);
  return s / x.length;
}

/**
 * Fits a GPD to exceedances with the estimator of Zhang & Stephens (2009, Technometrics 51:316), in loo's
 * parametrization (k > 0 is a heavy tail; Z&S's k is the negative of this one). Instead of maximizing the
 * profile likelihood in theta = -k / sigma, it takes the posterior mean of theta over a grid of
 * m = 30 + floor(sqrt(n)) points, whose spacing follows Z&S's prior (denser near 1 / x_(n)); then
 * k = mean log(1 - theta x), sigma = -k / theta, and finally k is shrunk towards 0.5 with the weak prior
 * of Vehtari et al. (2024): k <- (n k + 10 * 0.5) / (n + 10). sigma comes from the unshrunk k, as in loo.
 * A NaN k (degenerate input) is reported as Infinity, as loo does.
 */
export function gpdFitZhangStephens(exceedances: Float64Array): { k: number; sigma: number } {
  const x = exceedances;
  const n = x.length;
  if (n < 2) throw new RangeError(`gpdFitZhangStephens: need at least 2 exceedances, got ${n}`);
  const m = 30 + Math.floor(Math.sqrt(n));
  const xStar = x[Math.floor(n / 4 + 0.5) - 1]; // first quartile (1-based index floor(n/4 + 1/2))
  const theta = new Float64Array(m);
  const logLik = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    theta[j] = 1 / x[n - 1] + (1 - Math.sqrt(m / (j + 0.5))) / (3 * xStar);
    const k = profileK(theta[j], x);
    const l = n * (Math.log(-theta[j] / k) - k - 1);
    logLik[j] = Number.isNaN(l) ? -Infinity : l; // theta = 0 exactly gives 0/0: no weight
  }
  const logNorm = logSumExp(logLik);
  let thetaHat = 0;
  for (let j = 0; j < m; j++) thetaHat += theta[j] * Math.exp(logLik[j] - logNorm);
  const kRaw = profileK(thetaHat, x);
  const sigma = -kRaw / thetaHat;
  const k = (n * kRaw + PRIOR_WEIGHT * PRIOR_K) / (n + PRIOR_WEIGHT);
  return { k: Number.isNaN(k) ? Infinity : k, sigma };
}

/** GPD quantile sigma ((1 - p)^(-k) - 1) / k, with its k -> 0 limit -sigma log(1 - p). */
function gpdQuantile(p: number, k: number, sigma: number): number {
  const logTail = Math.log1p(-p);
  if (Math.abs(k) < 1e-12) return -sigma * logTail;
  return (sigma * Math.expm1(-k * logTail)) / k;
}

/**
 * Indices of the M largest values, sorted ascending by value, and the largest value below them (the
 * cutoff). Ties are broken by index, like loo's stable sort, so the result does not depend on the engine's
 * sort. Uses one native numeric sort of a copy, then sorts only the M tail indices.
 */
function upperTail(lw: Float64Array, M: number): { indices: number[]; cutoff: number } {
  const S = lw.length;
  const sorted = Float64Array.from(lw).sort();
  const cutoff = sorted[S - M - 1];
  const above: number[] = [];
  const atCutoff: number[] = [];
  for (let i = 0; i < S; i++) {
    if (lw[i] > cutoff) above.push(i);
    else if (lw[i] === cutoff) atCutoff.push(i);
  }
  // Values equal to the cutoff that still belong to the top M: in a stable ascending sort these are the
  // last of the tied block.
  const fromTies = atCutoff.slice(atCutoff.length - (M - above.length));
  const indices = fromTies.concat(above).sort((a, b) => lw[a] - lw[b] || a - b);
  return { indices, cutoff };
}

/**
 * Smooths the upper tail of lw (shifted so that max = 0) in place; returns k-hat. A tail whose values are
 * all equal has no spread to fit (the ratios are bounded there, e.g. a proposal equal to the target);
 * loo reports Inf, which would flag an exact proposal as unreliable, so we report 0, the largest shape
 * of a tail lighter than every power law, and leave the weights as they are.
 */
function smoothTail(lw: Float64Array, M: number): number {
  const { indices, cutoff } = upperTail(lw, M);
  const lowest = lw[indices[0]];
  const highest = lw[indices[M - 1]];
  if (highest - lowest <= Number.EPSILON) return 0;
  const expCutoff = Math.exp(cutoff);
  const exceedances = Float64Array.from(indices, (i) => Math.exp(lw[i]) - expCutoff);
  const { k, sigma } = gpdFitZhangStephens(exceedances);
  if (!Number.isFinite(k) || !(sigma > 0)) return k;
  // The z-th smallest of M draws is replaced by the GPD quantile at (z - 1/2) / M (z = 1..M).
  for (let z = 0; z < M; z++) lw[indices[z]] = Math.log(gpdQuantile((z + 0.5) / M, k, sigma) + expCutoff);
  return k;
}

/**
 * PSIS of the log importance ratios log p(theta_s) - log q(theta_s) (any additive constant is irrelevant).
 * -Infinity ratios are allowed (zero weight); NaN or +Infinity ones are an error, since there is no
 * sensible weight to give them.
 */
export function psis(logRatios: Float64Array): PsisResult {
  const S = logRatios.length;
  let max = -Infinity;
  for (let i = 0; i < S; i++) {
    const r = logRatios[i];
    if (Number.isNaN(r) || r === Infinity) throw new RangeError(`psis: logRatios[${i}] = ${r} is not a valid log ratio`);
    if (r > max) max = r;
  }
  if (max === -Infinity) throw new RangeError(`psis: need at least one finite log ratio among ${S}`);

  // Shifting by the max keeps exp() in range; every weight is then at most exp(0) = 1.
  const lw = Float64Array.from(logRatios, (r) => r - max);
  const tailLength = psisTailLength(S);
  const khat = tailLength >= MIN_TAIL && tailLength < S ? smoothTail(lw, tailLength) : Infinity;
  // Truncate at the largest raw weight: the smoothed tail may extrapolate beyond it.
  for (let i = 0; i < S; i++) if (lw[i] > 0) lw[i] = 0;

  const logNorm = logSumExp(lw);
  let sumW2 = 0;
  for (let i = 0; i < S; i++) {
    lw[i] -= logNorm;
    sumW2 += Math.exp(2 * lw[i]);
  }
  return { khat, logWeights: lw, ess: 1 / sumW2, tailLength, threshold: paretoKThreshold(S), logMeanRatio: max + logNorm - Math.log(S) };
}
