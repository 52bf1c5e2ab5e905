/**
 * The transformations R-hat and ESS are computed on (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021,
 * "Rank-normalization, folding, and localization: an improved R-hat", Bayesian Analysis 16:667-718),
 * written to agree with R's `posterior` package: split chains, pooled average ranks mapped to normal
 * scores with Blom's offset, and folding about the median.
 *
 * A variable's draws arrive chain-major: `chains` consecutive runs of equal length.
 */
import { ascendingOrder } from './radix_order.js';
import { quantileR } from '../math/stats.js';

/** The chains of one variable: each array is one chain's draws in order. */
export type Chains = readonly Float64Array[];

/** Cuts a chain-major column into its chains. */
export function toChains(column: ArrayLike<number>, chains: number): Float64Array[] {
  const n = column.length / chains;
  if (!Number.isInteger(n)) throw new RangeError(`toChains: ${column.length} draws do not split into ${chains} equal chains`);
  return Array.from({ length: chains }, (_, c) => Float64Array.from({ length: n }, (_, i) => column[c * n + i]));
}

/**
 * Split-chains: each chain of N draws becomes two of floor(N/2); for odd N the middle draw is dropped
 * (posterior's `.split_chains`: rows 1..floor(N/2) and ceiling(N/2 + 1)..N). Splitting lets R-hat see
 * a chain that drifts, not only chains that disagree. First halves come first, as in posterior's cbind.
 */
export function splitChains(chains: Chains): Float64Array[] {
  const n = chains[0].length;
  if (n < 2) return chains.map((c) => Float64Array.from(c));
  const half = Math.floor(n / 2);
  const secondStart = Math.ceil(n / 2 + 1) - 1;
  return [...chains.map((c) => c.slice(0, half)), ...chains.map((c) => c.slice(secondStart))];
}

/** Ranks 1..S of the pooled values, ties sharing their average rank (R's rank(ties.method = 'average')). */
export function averageRanks(values: Float64Array): Float64Array {
  const S = values.length;
  for (let i = 0; i < S; i++) if (!Number.isFinite(values[i])) return averageRanksBySort(values);
  return ranksInOrder(values, ascendingOrder(values));
}

/** Average ranks given the values' ascending order: each run of equal values shares the mean of its ranks. */
function ranksInOrder(values: Float64Array, order: ArrayLike<number>): Float64Array {
  const S = values.length;
  const ranks = new Float64Array(S);
  for (let i = 0; i < S;) {
    let j = i;
    while (j + 1 < S && values[order[j + 1]] === values[order[i]]) j++;
    const r = (i + j + 2) / 2; // mean of the 1-based ranks i+1..j+1
    for (let k = i; k <= j; k++) ranks[order[k]] = r;
    i = j + 1;
  }
  return ranks;
}

/** Average ranks by sorting indices: for non-finite values, which a numeric sort and a search cannot order alike. */
function averageRanksBySort(values: Float64Array): Float64Array {
  const S = values.length;
  const order = new Uint32Array(S);
  for (let i = 0; i < S; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  return ranksInOrder(values, order);
}

/**
 * Rank normalisation: z = Phi^-1((r - 3/8) / (S + 1/4)), ranks over all chains pooled (Blom 1958; posterior's
 * z_scale with c = 3/8, S - 2c + 1 = S + 1/4; the Stan reference manual's S - 1/4 is a misprint).
 */
export function zScale(chains: Chains): Float64Array[] {
  const pooled = concat(chains);
  const r = averageRanks(pooled);
  const S = pooled.length;
  const scores = normalScores(S);
  const z = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    const ri = r[i];
    z[i] = Number.isInteger(ri) && ri >= 1 && ri <= S ? scores[ri - 1] : qnorm((ri - 3 / 8) / (S + 1 / 4));
  }
  return reshapeLike(z, chains);
}

const SCORES = new Map<number, Float64Array>();

/**
 * qnorm((r - 3/8) / (S + 1/4)) for the whole ranks r = 1..S, made once per S: without ties every
 * quantity's ranks are a permutation of 1..S, so every rank normalisation of a summary reads this table
 * (the same numbers qnorm gives, computed once instead of twice per quantity).
 */
function normalScores(S: number): Float64Array {
  let t = SCORES.get(S);
  if (!t) {
    t = new Float64Array(S);
    for (let r = 1; r <= S; r++) t[r - 1] = qnorm((r - 3 / 8) / (S + 1 / 4));
    SCORES.set(S, t);
  }
  return t;
}

/**
 * R's median: for an even count, (a + b) / 2 of the middle pair. Not a + (b - a) / 2: the two differ in the
 * last place when a < 0 < b, and the folded draws |x - median| of a and b then tie in one and not the
 * other, which moves the folded R-hat by ~1e-5 (their ranks sit in the extreme tail of the normal scores).
 */
export function medianR(sorted: Float64Array): number {
  const n = sorted.length;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/**
 * |x - median(x)| with the median of all draws pooled: R-hat of this sees chains that differ in scale.
 * `sorted`, when given, is all the draws in ascending order.
 */
export function foldDraws(chains: Chains, sorted?: Float64Array): Float64Array[] {
  const med = medianR(sorted ?? concat(chains).sort());
  return chains.map((c) => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = Math.abs(c[i] - med);
    return out;
  });
}

/** 1 where x <= the pooled type-7 quantile at prob, else 0 (posterior's `.ess_quantile`); `sorted` as in foldDraws. */
export function indicatorAtQuantile(chains: Chains, prob: number, sorted?: Float64Array): Float64Array[] {
  const q = quantileR(sorted ?? concat(chains).sort(), prob);
  return chains.map((c) => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = c[i] <= q ? 1 : 0;
    return out;
  });
}

export function concat(chains: Chains): Float64Array {
  const out = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let k = 0;
  for (const c of chains) {
    out.set(c, k);
    k += c.length;
  }
  return out;
}

function reshapeLike(flat: Float64Array, chains: Chains): Float64Array[] {
  let k = 0;
  return chains.map((c) => {
    const part = flat.slice(k, k + c.length);
    k += c.length;
    return part;
  });
}

/**
 * Standard normal quantile by Wichura's AS 241 (PPND16), relative error about 1e-16: the algorithm R's qnorm
 * uses, so that rank-normalised draws agree with posterior's bit for bit in all but the last place.
 */
export function qnorm(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
      45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r +
      3.387132872796366608)) /
      (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
      1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r +
      1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
        0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
      0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r +
      6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
        7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}
