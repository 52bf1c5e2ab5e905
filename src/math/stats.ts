/**
 * Descriptive statistics of draws, plain and importance-weighted, in float64. Every engine's summary goes
 * through these, so that a Laplace fit, NUTS draws and PSIS-reweighted VI draws are summarized alike.
 */

export interface Summary {
  mean: number;
  sd: number;
  q2_5: number;
  q50: number;
  q97_5: number;
}

export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const m = sum / n;
  // One correction pass: the mean of the residuals removes most of the rounding of the first sum.
  let resid = 0;
  for (let i = 0; i < n; i++) resid += values[i] - m;
  return m + resid / n;
}

/** Sample variance with the n - 1 denominator (R's var); NaN for fewer than two values. */
export function variance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return NaN;
  const m = mean(values);
  // Two-pass with the compensating term of Chan, Golub & LeVeque (1983): exact-arithmetic zero,
  // it cancels the error left in m.
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    ss += d * d;
    comp += d;
  }
  return (ss - (comp * comp) / n) / (n - 1);
}

export function sd(values: ArrayLike<number>): number {
  return Math.sqrt(variance(values));
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

function isSorted(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return false;
  return true;
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: probability p must be in [0, 1], got ${p}`);
}

/**
 * R's default quantile (Hyndman & Fan 1996, type 7): with sorted x_1..x_n, h = (n - 1) p and
 * Q(p) = x_floor(h) + (h - floor(h)) (x_floor(h)+1 - x_floor(h)) (0-based). Sorted input is used as is.
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  checkProbability(p);
  const n = values.length;
  if (n === 0) return NaN;
  const x = isSorted(values) ? values : sortedCopy(values);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return x[n - 1];
  const frac = h - lo;
  return frac === 0 ? x[lo] : x[lo] + frac * (x[lo + 1] - x[lo]);
}

/**
 * R's quantile(type = 7) of sorted values as R computes it, to the last bit (the MCMC diagnostics, spline
 * knots): (1 - h) x[lo] + h x[hi], skipped when x[hi] equals x[lo].
 */
export function quantileR(sorted: Float64Array, prob: number): number {
  const index = (sorted.length - 1) * prob;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const h = index - lo;
  return h > 0 && sorted[hi] !== sorted[lo] ? (1 - h) * sorted[lo] + h * sorted[hi] : sorted[lo];
}

/** Weights must be finite and non-negative with a positive sum; returns them divided by that sum. */
function normalizeWeights(weights: ArrayLike<number>, n: number, who: string): Float64Array {
  if (weights.length !== n) {
    throw new RangeError(`${who}: weights has length ${weights.length} but values has length ${n}`);
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0 && w < Infinity)) throw new RangeError(`${who}: weights[${i}] = ${w} is not a finite non-negative number`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError(`${who}: weights sum to ${total}, need a positive sum`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = weights[i] / total;
  return out;
}

/** sum_i w_i x_i / sum_i w_i. */
export function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  const w = normalizeWeights(weights, values.length, 'weightedMean');
  let m = 0;
  for (let i = 0; i < values.length; i++) m += w[i] * values[i];
  return m;
}

/**
 * Weighted sd with "reliability weights": with w normalized to sum 1,
 * var = sum_i w_i (x_i - m)^2 / (1 - sum_i w_i^2).
 * The denominator is 1 - 1/ESS (Kish's ESS = 1 / sum w^2), so equal weights give exactly the n - 1 sample
 * variance of sd(), and importance weights get the matching small-sample correction. NaN when one draw
 * carries all the weight (ESS = 1: no spread can be estimated).
 */
export function weightedSd(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  const n = values.length;
  const w = normalizeWeights(weights, n, 'weightedSd');
  let m = 0;
  for (let i = 0; i < n; i++) m += w[i] * values[i];
  let ss = 0;
  let sumW2 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - m;
    ss += w[i] * d * d;
    sumW2 += w[i] * w[i];
  }
  const denom = 1 - sumW2;
  return denom > 0 ? Math.sqrt(ss / denom) : NaN;
}

/**
 * Weighted analogue of type 7. Sort the draws with positive weight, normalize the weights to sum 1 and
 * let C_i be their cumulative sum. Draw i gets the plotting position
 *   p_i = (C_i - w_i / 2 - w_1 / 2) / (1 - w_1 / 2 - w_n / 2),
 * the midpoint of its weight's interval, rescaled so that p_1 = 0 and p_n = 1; Q(p) interpolates linearly
 * between the (p_i, x_i). With equal weights p_i = (i - 1) / (n - 1): exactly R's type 7. Unlike the
 * one-sided choice C_(i-1) / (1 - w_n), it is symmetric: reversing the sign of the draws maps Q(p) to -Q(1 - p).
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, p: number): number {
  checkProbability(p);
  const w = normalizeWeights(weights, values.length, 'weightedQuantile');
  const order = Array.from({ length: values.length }, (_, i) => i)
    .filter((i) => w[i] > 0)
    .sort((a, b) => values[a] - values[b]);
  const n = order.length;
  if (n === 1) return values[order[0]];
  const wFirst = w[order[0]];
  const wLast = w[order[n - 1]];
  const scale = 1 - wFirst / 2 - wLast / 2;
  let cum = 0;
  let prevPos = 0;
  let prevX = values[order[0]];
  for (let j = 0; j < n; j++) {
    const i = order[j];
    cum += w[i];
    const pos = j === n - 1 ? 1 : (cum - w[i] / 2 - wFirst / 2) / scale;
    if (p <= pos) {
      if (j === 0 || pos === prevPos) return values[i];
      return prevX + ((p - prevPos) / (pos - prevPos)) * (values[i] - prevX);
    }
    prevPos = pos;
    prevX = values[i];
  }
  return values[order[n - 1]];
}

/** Mean, sd and the 2.5%, 50% and 97.5% quantiles; importance-weighted when weights are given. `sorted`: the values in order, if at hand. */
export function summarize(values: Float64Array, weights?: Float64Array, inOrder?: Float64Array): Summary {
  if (weights === undefined) {
    const sorted = inOrder ?? sortedCopy(values);
    return {
      mean: mean(values),
      sd: sd(values),
      q2_5: quantile(sorted, 0.025),
      q50: quantile(sorted, 0.5),
      q97_5: quantile(sorted, 0.975),
    };
  }
  return {
    mean: weightedMean(values, weights),
    sd: weightedSd(values, weights),
    q2_5: weightedQuantile(values, weights, 0.025),
    q50: weightedQuantile(values, weights, 0.5),
    q97_5: weightedQuantile(values, weights, 0.975),
  };
}
