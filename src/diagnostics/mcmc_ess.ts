/**
 * Effective sample size of one variable over several chains (Geyer 1992; Vehtari et al. 2021, sec. 3.2),
 * as posterior's `.ess` computes it: FFT autocovariances per chain, the multi-chain autocorrelation
 * rho_t = 1 - (W - mean_m acov_m(t)) / var+, Geyer's initial positive and monotone sequences, and the
 * antithetic-friendly truncation tau = -1 + 2 sum_{t < T} rho_t + max(rho_T, 0).
 */
import { mean, variance } from '../math/stats.js';
import type { Chains } from './mcmc_rank.js';

/** posterior's should_return_NA: any non-finite value, or all values equal to within machine epsilon. */
export function isDegenerate(chains: Chains): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of chains) {
    for (let i = 0; i < c.length; i++) {
      const x = c[i];
      if (!Number.isFinite(x)) return true;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return Math.abs(hi - lo) < Number.EPSILON;
}

const TWIDDLES = new Map<number, { cos: Float64Array; sin: Float64Array }>();

/**
 * exp(-2 pi i j / n) for j < n / 2, made once per length: a summary computes thousands of FFTs of the
 * same length, and the sines and cosines were most of their cost.
 */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  let t = TWIDDLES.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let j = 0; j < n / 2; j++) {
      cos[j] = Math.cos((-2 * Math.PI * j) / n);
      sin[j] = Math.sin((-2 * Math.PI * j) / n);
    }
    TWIDDLES.set(n, (t = { cos, sin }));
  }
  return t;
}

/** In-place iterative radix-2 FFT of (re, im); the length must be a power of two. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
  const { cos, sin } = twiddles(n);
  for (let len = 2; len <= n; len <<= 1) {
    const stride = n / len;
    // One twiddle factor per k, shared by every butterfly of this stage (they are independent).
    for (let k = 0; k < len / 2; k++) {
      const wr = cos[k * stride];
      const wi = inverse ? -sin[k * stride] : sin[k * stride];
      for (let i = 0; i < n; i += len) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/**
 * Biased autocovariances acov(t) = (1/N) sum_i yc_i yc_{i+t}, t = 0..N-1, by FFT on a zero-padded copy
 * (padding to at least 2N makes the circular correlation a linear one; any such length gives the same
 * numbers). As posterior does, the result is rescaled so that acov(0) is exactly var(x) (N-1)/N.
 */
export function autocovariance(x: Float64Array): Float64Array {
  const N = x.length;
  const varx = variance(x);
  if (varx === 0) return new Float64Array(N);
  let size = 1;
  while (size < 2 * N) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const m = mean(x);
  for (let i = 0; i < N; i++) re[i] = x[i] - m;
  fft(re, im, false);
  for (let i = 0; i < size; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(N);
  const scale = (varx * (N - 1)) / N / re[0];
  for (let t = 0; t < N; t++) out[t] = re[t] * scale;
  return out;
}

/**
 * Lags whose autocovariances are summed directly. Geyer's sequence usually ends within a few dozen lags
 * (on bench/models/poisson_years.glmm's draws: median 10, 90% by 44, the longest 108), and a lag costs
 * M N multiply-adds where the FFTs cost about 100 M N for all lags at once (N = 500): summing directly
 * is cheaper up to about 100 lags, and beyond the FFT takes over.
 */
const DIRECT_LAGS = 128;

/**
 * t -> the mean over chains of their autocovariance at lag t, as `autocovariance` defines it (biased,
 * rescaled so that lag 0 is var(x) (N-1)/N), computed when first asked for: directly for the first
 * DIRECT_LAGS lags, by FFT beyond.
 */
function meanAutocovariance(chains: Chains): (t: number) => number {
  const M = chains.length;
  const N = chains[0].length;
  const centred: Float64Array[] = [];
  const scale: number[] = [];
  for (const c of chains) {
    const v = variance(c);
    const m = mean(c);
    const yc = new Float64Array(N);
    let s0 = 0;
    for (let i = 0; i < N; i++) {
      yc[i] = c[i] - m;
      s0 += yc[i] * yc[i];
    }
    centred.push(yc);
    // A constant chain has autocovariance 0 at every lag (autocovariance's early return).
    scale.push(v === 0 ? 0 : (v * (N - 1)) / N / s0);
  }
  const direct = new Float64Array(Math.min(N, DIRECT_LAGS)).fill(NaN);
  let all: Float64Array | undefined;
  return (t) => {
    if (t < direct.length) {
      if (Number.isNaN(direct[t])) {
        let sum = 0;
        for (let k = 0; k < M; k++) {
          const yc = centred[k];
          let d = 0;
          for (let i = 0; i + t < N; i++) d += yc[i] * yc[i + t];
          sum += (d * scale[k]) / M;
        }
        direct[t] = sum;
      }
      return direct[t];
    }
    if (!all) {
      all = new Float64Array(N);
      for (const c of chains) {
        const a = autocovariance(c);
        for (let u = 0; u < N; u++) all[u] += a[u] / M;
      }
    }
    return all[t];
  };
}

/** ESS of the chains as given (split them first for split-ESS); NaN where posterior returns NA. */
export function ess(chains: Chains): number {
  const M = chains.length;
  const N = chains[0].length;
  if (N < 3 || isDegenerate(chains)) return NaN;
  const acov = meanAutocovariance(chains);
  const meanVar = (acov(0) * N) / (N - 1);
  let varPlus = (meanVar * (N - 1)) / N;
  if (M > 1) varPlus += variance(Float64Array.from(chains, (c) => mean(c)));
  const rhoAt = (t: number): number => 1 - (meanVar - acov(t)) / varPlus;

  // Geyer's initial positive sequence: pairs (rho_2k, rho_2k+1) while their sum stays positive.
  const rho = new Float64Array(N);
  let t = 0;
  let rhoEven = 1;
  let rhoOdd = rhoAt(1);
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  while (t < N - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    rhoEven = rhoAt(t);
    rhoOdd = rhoAt(t + 1);
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  // Keeping a positive rho_T reduces the variance of the estimate for antithetic chains.
  if (rhoEven > 0) rho[maxT] = rhoEven;

  // Geyer's initial monotone sequence: no pair may exceed the one before it.
  for (t = 2; t <= maxT - 2; t += 2) {
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  // R's sum(rho[1:max_t]) with max_t = 0 is rho[1] alone (1:0 is c(1, 0)); mirror it.
  let sum = maxT === 0 ? rho[0] : 0;
  for (let k = 0; k < maxT; k++) sum += rho[k];
  const total = M * N;
  // ESS is capped at S log10(S): beyond that the estimate is noise for antithetic chains.
  const tau = Math.max(-1 + 2 * sum + rho[maxT], 1 / Math.log10(total));
  return total / tau;
}
