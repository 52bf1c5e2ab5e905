import { cholesky } from '../../math/cholesky.js';
import { solveLower, solveLowerT } from '../../math/triangular.js';
import { evalExpr } from '../eval_f64.js';
import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import { unconstrainScalar } from '../../bijectors/transforms.js';
import { constrainTheta, splitValues } from '../layout.js';
import { linearCoords, sparseDesign, type SparseDesign } from './design.js';
import { isCountLogPredictor, predictorArg } from './recognise.js';

/** Iteratively reweighted least squares steps after the first (glm's from mustart converge in 4-6). */
const IRLS_STEPS = 5;

/** One likelihood's rows as the Poisson GLM sees them: its counts, and its design with the exposure in the offset. */
interface CountDesign extends SparseDesign {
  readonly y: Float64Array;
  readonly lik: ModelIR['likelihoods'][number];
}

/**
 * Starting values for the fixed effects of a count model with a log link (Poisson, negative binomial):
 * the Poisson GLM's estimate with every other parameter at its start (0 unconstrained: the random effects
 * at 0), by glm's iteratively reweighted least squares from mustart = y + 0.1 (R's glm.fit and lme4's
 * start do the same). Started from 0 instead, every mean is its exposure (a cell's total count,
 * thousands) against counts near 0.1: a negative binomial is nearly linear in its predictor there,
 * Newton's first steps are thousands long, and the start's joint solve took ~11 of them, each evaluating
 * (and, for reduced cells, tabulating) the likelihood at a new point on the way down. Undefined unless
 * every likelihood that reads a fixed effect is a count with a log link whose predictor is affine in the
 * fixed effects; only a start, so any such model gets one.
 */
export function countStart(ir: ModelIR): Map<number, number> | undefined {
  const { coords, isLinear } = linearCoords(ir);
  if (coords.length === 0) return undefined;
  const readsLinear = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some(isLinear);
  const designs: CountDesign[] = [];
  for (const lik of ir.likelihoods) {
    const k = predictorArg(lik, readsLinear);
    if (k < 0) continue;
    if (!isCountLogPredictor(lik, k, readsLinear)) return undefined;
    const design = sparseDesign(ir, lik.args[k], coords, isLinear);
    if (!design) return undefined;
    const offset = Float64Array.from(design.offset);
    if (lik.exposure) {
      const exposure = evalExpr(lik.exposure, splitValues(ir, constrainTheta(ir, new Float64Array(ir.dim))), ir.data);
      for (let r = 0; r < offset.length; r++) offset[r] += typeof exposure === 'number' ? exposure : exposure[r];
    }
    if (!offset.every(Number.isFinite) || design.terms.some((t) => !t.coef.every(Number.isFinite))) return undefined;
    designs.push({ y: ir.data.numeric.get(lik.column)!, offset, terms: design.terms, lik });
  }
  if (designs.length === 0) return undefined;
  const p = coords.length;
  let beta: Float64Array | undefined;
  for (let step = 0; step <= IRLS_STEPS; step++) {
    const next = irlsStep(designs, p, beta);
    if (!next) return undefined;
    beta = next;
  }
  return new Map([...coords.map((c, j): [number, number] => [c, beta![j]]), ...dispersionStarts(ir, designs, beta!)]);
}

/** The method-of-moments start's bounds on 1 / phi: a dispersion between 1e-3 and 1e3. */
const MIN_OVERDISPERSION = 1e-3;
const MAX_OVERDISPERSION = 1e3;

/**
 * A negative binomial's dispersion (a scalar parameter of its own) by the method of moments: E (y - mu)^2
 * - y = mu^2 / phi, so 1 / phi = sum((y - mu)^2 - y) / sum(mu^2) over the rows (MASS's glm.nb and lme4's
 * glmer.nb start from the same). From phi = 1 (unconstrained 0) the start moved it alone over a range
 * that tabulated half of a gene's table nodes.
 * - Rows: mu is the Poisson GLM's mean. The random effects are at 0 there, so their spread counts as
 *   overdispersion and phi starts below its estimate (log phi 0.3 below on 200 NB genes, up to 2).
 * - Reduced cells (IrLikelihood.moments: a cell's rows share their predictor but for the offset): mu is
 *   the cell's own mean, which takes up every effect at the cell's level, random ones included, so the
 *   residuals are the negative binomial's alone; within 0.16 of log phi's estimate on the same genes.
 *   With mu_i = m w_i in a cell of mean m, sum (y_i - mu_i)^2 = sum y^2 - 2 m sum y w + m^2 sum w^2.
 */
function dispersionStarts(ir: ModelIR, designs: readonly CountDesign[], beta: Float64Array): [number, number][] {
  const sums = new Map<number, { excess: number; square: number }>();
  const values = splitValues(ir, constrainTheta(ir, new Float64Array(ir.dim)));
  for (const { y, offset, terms, lik } of designs) {
    const phi = lik.args[1];
    if (!lik.dist.name.startsWith('NegativeBinomial') || lik.form.args[1]?.name !== 'dispersion' || phi?.op !== 'param' || ir.params[phi.param].size !== 1) continue;
    const column = (e: IrExpr | undefined, row: (r: number) => number): ((r: number) => number) => {
      if (!e) return row;
      const v = evalExpr(e, values, ir.data);
      return typeof v === 'number' ? () => v : (r) => v[r];
    };
    const y2 = column(lik.moments?.y2, (r) => y[r] * y[r]);
    const yw = column(lik.moments?.yw, (r) => y[r]);
    const w2 = column(lik.moments?.w2, () => 1);
    const sum = sums.get(phi.param) ?? { excess: 0, square: 0 };
    for (let r = 0; r < y.length; r++) {
      if (lik.moments) {
        // A reduced cell: its own mean, Y w_i (Y the cell's total count, w_i the row's share of its
        // exposure, sum w_i = 1), with the moment equation's degrees of freedom for it: for y_i with
        // mean M w_i and variance mu_i + mu_i^2 / phi, E sum_i (y_i - Y w_i)^2 = M (1 - W2) + M^2 (W2 -
        // 2 W3 + W2^2) / phi, W_k = sum_i w_i^k, W3 taken as W2^2 (equal where the shares are).
        const Y = y[r];
        const W2 = w2(r);
        sum.excess += y2(r) - 2 * Y * yw(r) + Y * Y * W2 - Y * (1 - W2);
        sum.square += Y * Y * W2 * (1 - W2);
        continue;
      }
      let eta = offset[r];
      for (const t of terms) if (t.position[r] >= 0) eta += t.coef[r] * beta[t.position[r]];
      const m = Math.exp(eta);
      sum.excess += y2(r) - 2 * m * yw(r) + m * m * w2(r) - y[r];
      sum.square += m * m * w2(r);
    }
    sums.set(phi.param, sum);
  }
  return [...sums].flatMap(([q, { excess, square }]) => {
    const inverse = Math.min(MAX_OVERDISPERSION, Math.max(MIN_OVERDISPERSION, excess / square));
    const start = unconstrainScalar(ir.params[q].transform, 1 / inverse);
    return Number.isFinite(start) ? [[ir.params[q].offset, start] as [number, number]] : [];
  });
}

/**
 * One weighted least-squares solve: the working response z = eta - offset + (y - mu) / mu with weights
 * mu at beta (at mu = y + 0.1 when beta is undefined), through the normal equations.
 */
function irlsStep(designs: readonly CountDesign[], p: number, beta: Float64Array | undefined): Float64Array | undefined {
  const A = Array.from({ length: p }, () => new Float64Array(p));
  const b = new Float64Array(p);
  for (const { y, offset, terms } of designs) {
    for (let r = 0; r < y.length; r++) {
      let eta = offset[r];
      let mu: number;
      let z: number;
      if (beta) {
        for (const t of terms) if (t.position[r] >= 0) eta += t.coef[r] * beta[t.position[r]];
        // Past e^+-30 a mean is 0 or infinite to the fit: held there so the weights stay finite.
        mu = Math.exp(Math.max(-30, Math.min(30, eta)));
        z = eta - offset[r] + (y[r] - mu) / mu;
      } else {
        mu = y[r] + 0.1;
        z = Math.log(mu) - offset[r];
      }
      for (let i = 0; i < terms.length; i++) {
        const pi = terms[i].position[r];
        if (pi < 0) continue;
        const ci = terms[i].coef[r];
        b[pi] += mu * ci * z;
        for (let j = 0; j < terms.length; j++) {
          const pj = terms[j].position[r];
          if (pj >= 0 && pj <= pi) A[pi][pj] += mu * ci * terms[j].coef[r];
        }
      }
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) A[j][i] = A[i][j];
  let { L, positiveDefinite } = cholesky(A);
  if (!positiveDefinite) {
    // A column without weight (a level without rows) or aliased with others: a ridge of 1e-8 of the
    // largest diagonal keeps the system solvable, and such a coefficient stays near 0.
    const ridge = 1e-8 * Math.max(...A.map((row, i) => row[i]), 1e-300);
    ({ L, positiveDefinite } = cholesky(A.map((row, i) => row.map((v, j) => (i === j ? v + ridge : v)))));
    if (!positiveDefinite) return undefined;
  }
  const next = solveLowerT(L, solveLower(L, b));
  return next.every(Number.isFinite) ? next : undefined;
}
