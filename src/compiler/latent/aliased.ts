import type { Aliased } from '../../core/log_density.js';
import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import { sameValues } from '../../math/same_values.js';
import { denseColumns, linearCoords, sparseDesign } from './design.js';
import { isCountLogPredictor, predictorArg, sharedPredictor } from './recognise.js';

/**
 * A column whose part outside the span of the columns before it is below this fraction of its length is
 * aliased: R's qr() tolerance, which lme4 uses to drop columns of a rank-deficient model matrix.
 */
const RANK_TOL = 1e-7;

/**
 * The fixed-effect model matrix X: for each linear coordinate, its coefficient in every likelihood's
 * predictor, row by row (design.ts: the predictor's affine form, the other parameters at the centre of
 * their priors). A likelihood whose predictor is not affine in them is left out: it cannot be judged
 * this way.
 */
function modelMatrix(ir: ModelIR, coords: readonly number[], isLinear: (q: number) => boolean): Float64Array[] {
  const sizeOf = (q: number): number => ir.params[q].size;
  const readsLinear = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some(isLinear);
  const predictors = ir.likelihoods.flatMap((lik) => {
    const k = predictorArg(lik, readsLinear);
    return k < 0 ? [] : [sharedPredictor(lik, isLinear, sizeOf) ?? lik.args[k]];
  });
  const columns = coords.map(() => [] as Float64Array[]);
  for (const e of predictors) {
    const design = sparseDesign(ir, e, coords, isLinear);
    if (!design) continue;
    denseColumns(design, coords.length).forEach((col, j) => columns[j].push(col));
  }
  return columns.map((parts) => {
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });
}

const dot = (a: Float64Array, b: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/**
 * The linear coordinates (fixed effects) whose model-matrix column is a linear combination of the columns
 * before it, in theta's (the formula's) order, as lme4 finds them ("fixed-effect model matrix is rank
 * deficient so dropping 1 column"): a factor that repeats another under new labels, a constant covariate
 * beside the intercept, an interaction cell without rows. Modified Gram-Schmidt, twice, in column order;
 * each aliased column is listed with the combination of kept columns it equals (none for a column of zeros).
 */
export function aliasedFixedEffects(ir: ModelIR): readonly Aliased[] {
  const { coords, isLinear } = linearCoords(ir);
  if (coords.length === 0) return [];
  const X = modelMatrix(ir, coords, isLinear);
  if (X.length === 0 || X[0].length === 0) return [];
  const known = recent.find((e) => sameValues(e.coords, coords) && e.X.every((col, j) => sameValues(col, X[j])));
  if (known) return known.aliased;
  const aliased = gramSchmidt(X, coords);
  if (recent.length >= RECENT) recent.shift();
  recent.push({ coords, X, aliased });
  return aliased;
}

/**
 * The last few model matrices and what was found in them. fit-genes fits gene after gene on the same
 * cells, whose model matrix is the same to the bit: its Gram-Schmidt (a millisecond at 20 cell groups
 * over 320 cells) is done once. Compared in full, so only an identical matrix shares an answer.
 */
const recent: { readonly coords: readonly number[]; readonly X: readonly Float64Array[]; readonly aliased: readonly Aliased[] }[] = [];
const RECENT = 8;


/** Modified Gram-Schmidt, twice, in column order: the aliased columns, each with the combination of kept columns it equals. */
function gramSchmidt(X: readonly Float64Array[], coords: readonly number[]): Aliased[] {
  // Each kept column's orthonormal q, and q as a combination of the original kept columns (by coordinate).
  const kept: { coord: number; q: Float64Array; in: Map<number, number> }[] = [];
  const out: Aliased[] = [];
  X.forEach((col, j) => {
    const norm = Math.sqrt(dot(col, col));
    const r = Float64Array.from(col);
    const along = new Map<number, number>();
    for (let pass = 0; pass < 2; pass++) {
      kept.forEach((k, i) => {
        const d = dot(r, k.q);
        along.set(i, (along.get(i) ?? 0) + d);
        for (let t = 0; t < r.length; t++) r[t] -= d * k.q[t];
      });
    }
    // col - r = sum_i along_i q_i, and each q_i is a combination of original columns.
    const combination = new Map<number, number>();
    for (const [i, d] of along) for (const [c, w] of kept[i].in) combination.set(c, (combination.get(c) ?? 0) + d * w);
    const rest = Math.sqrt(dot(r, r));
    if (norm === 0 || !(rest > RANK_TOL * norm)) {
      out.push({ coord: coords[j], of: [...combination].filter(([, w]) => Math.abs(w) > 1e-6).map(([c, w]) => ({ coord: c, weight: w })) });
      return;
    }
    const q = r.map((v) => v / rest);
    const inOriginal = new Map<number, number>([[coords[j], 1 / rest]]);
    for (const [c, w] of combination) inOriginal.set(c, (inOriginal.get(c) ?? 0) - w / rest);
    kept.push({ coord: coords[j], q, in: inOriginal });
  });
  return out;
}

/**
 * The linear coordinates (fixed effects) along which the likelihood has a maximum whatever else the data
 * hold, so that maximum likelihood need not probe them for separation (ml_checks.ts): every likelihood
 * whose predictor reads the coordinate is a count with a log link (a Poisson's log_rate, a negative
 * binomial's log_mean), the coordinate's column there is >= 0, and some row with a positive coefficient
 * has a positive count. Towards +infinity those rows' means grow without bound and the log-likelihood
 * falls (like -mu, or -phi log mu); towards -infinity a positive count's mean vanishes and y log(mu)
 * falls. A random effect held to its prior cannot make up for either: its cost is quadratic, its gain
 * linear. Binary and binomial likelihoods are never listed (their separation is what the probes find).
 */
export function boundedFixedEffects(ir: ModelIR): number[] {
  const { coords, paramOf, isLinear } = linearCoords(ir);
  if (coords.length === 0) return [];
  const readsLinear = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some(isLinear);
  const ok = coords.map(() => true);
  const positive = coords.map(() => false);
  for (const lik of ir.likelihoods) {
    const k = predictorArg(lik, readsLinear);
    if (k < 0) continue;
    const countLog = isCountLogPredictor(lik, k, readsLinear);
    const e = lik.args[k];
    const y = ir.data.numeric.get(lik.column)!;
    const reads = paramsOf(e);
    const design = countLog ? sparseDesign(ir, e, coords, isLinear) : undefined;
    const columns = design ? denseColumns(design, coords.length) : undefined;
    coords.forEach((_, j) => {
      if (!ok[j] || !reads.has(paramOf[j])) return;
      const one = columns?.[j];
      if (!one || one.some((v) => v < 0)) {
        ok[j] = false;
        return;
      }
      if (one.some((v, r) => v > 0 && y[r] > 0)) positive[j] = true;
    });
  }
  return coords.filter((_, j) => ok[j] && positive[j]);
}
