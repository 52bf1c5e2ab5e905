import { assemble } from './field.js';
import type { LaplaceMarginal, MarginalPoint } from './marginal.js';

/** Step of the Hessian's central differences of the gradient, in scaled units: truncation ~1e-6, noise ~1e-5 relative. */
const HESS_STEP = 1e-3;

/** A point of L with its gradient there (empty when not taken yet). */
export type Evaluated = { point: MarginalPoint; grad: Float64Array };

/**
 * d2L/dphi2 by differences of the exact gradient, symmetrised: central differences along the scales and
 * other nonlinear coordinates (a forward difference put InstEval's REML SE of sigma 2.2% off). Along
 * the fixed effects outside the field, under ML, the profile's exact curvature plus forward differences
 * of the small log-determinant part without inner solves (profiledColumns: the SEs of 13 negative
 * binomial genes moved from 0.024% of glmmTMB's to 0.005%); where that is missing, forward differences
 * of the gradient (L is nearly quadratic in them, exactly so for a Gaussian response: the error is the
 * step times a third derivative, about 1e-3 of the entry in scaled units). Either takes one gradient or
 * less per fixed effect instead of two, which most of the outer Hessian's cost is when there are many
 * (20 cell groups per gene).
 */
export function hessianOf(L: LaplaceMarginal, at: Evaluated, scale: Float64Array): Float64Array[] {
  const p = scale.length;
  const g0 = at.grad.length === p ? at.grad : L.gradient(at.point, scale);
  const raw = differencedOuterHessian(L, at, g0, Float64Array.from(scale, (s) => HESS_STEP * s));
  if (!noisy(raw)) return symmetrised(raw.H);
  // The gradient's own error (the inner solve's tolerance, through very large sums: counts in the
  // thousands) over a step of 1e-3 of the conditional scale swamps the curvature: the matrix comes out
  // asymmetric. Steps of 1e-2 of each coordinate's marginal sd, found from L's values, keep the error
  // below the curvature by orders while the truncation error stays ~1e-4 relative. The profiled columns
  // solve nothing, so they have no such error and keep their steps.
  const steps = Float64Array.from(scale, (s, j) => (raw.profiled.has(j) ? HESS_STEP * s : 1e-2 * marginalSd(L, at.point, j, s)));
  return symmetrised(differencedOuterHessian(L, at, g0, steps).H);
}

/**
 * The differenced Hessian, the coordinates whose columns were profiled, and for each entry of a profiled
 * row in a central column, how far its two one-sided differences are apart: that entry has no
 * independently differenced mirror to be compared with, and this is its check for noise instead.
 */
interface Differenced {
  readonly H: Float64Array[];
  readonly profiled: ReadonlySet<number>;
  readonly spread: readonly { readonly i: number; readonly j: number; readonly gap: number }[];
}

function differencedOuterHessian(L: LaplaceMarginal, at: Evaluated, g0: Float64Array, steps: Float64Array): Differenced {
  const p = steps.length;
  const phi = at.point.inner.phi;
  const linear = new Set(L.field.ld.linear ?? []);
  const scale = at.point.inner.phi.map((_, j) => steps[j] / HESS_STEP);
  const H = Array.from({ length: p }, () => new Float64Array(p));
  const exact = profiledColumns(L, at.point, steps, H);
  // The gradient at the centre (g0) left its tangents: each shifted inner solve starts on its prediction.
  const tangents = exact.size < p ? L.tangentsAt(at.point) : undefined;
  const x0 = at.point.inner.x;
  const spread: { i: number; j: number; gap: number }[] = [];
  for (let j = 0; j < p; j++) {
    if (exact.has(j)) continue;
    const h = steps[j];
    const forward = linear.has(L.field.outer[j]);
    const g = (forward ? [h] : [h, -h]).map((d) => {
      const x = Float64Array.from(phi);
      x[j] += d;
      const pt = L.at(x, tangents ? Float64Array.from(x0, (v, k) => v + d * tangents[j][k]) : x0);
      return 'failure' in pt ? undefined : L.gradient(pt, scale);
    });
    for (let i = 0; i < p; i++) {
      if (forward) H[i][j] = g[0] ? (g[0][i] - g0[i]) / h : NaN;
      else H[i][j] = g[0] && g[1] ? (g[0][i] - g[1][i]) / (2 * h) : NaN;
      if (!forward && exact.has(i) && g[0] && g[1]) spread.push({ i, j, gap: Math.abs(g[0][i] - 2 * g0[i] + g[1][i]) / h });
    }
  }
  // An entry between a profiled fixed effect and another coordinate is the other's column's (differenced
  // with inner solves, it has the mixed derivative in full).
  for (const j of exact) for (let i = 0; i < p; i++) if (!exact.has(i)) H[i][j] = H[j][i];
  L.reset(at.point.inner.x);
  return { H, profiled: exact, spread };
}

/**
 * L's Hessian over the fixed effects the cross block covers, without an inner solve per column: L is the
 * profile F(phi) = f(phi, x-hat(phi)) minus half log det H, and F's Hessian is exact in one pass
 * (profileCurvature: the Schur complement). Only the log-determinant's part, of the order of the number
 * of random effects against the data's, is differenced: its slopes (logDetSlopes) at phi + h e_j with x
 * moved along the tangent, x-hat + h v_j. x is then off x-hat(phi + h e_j) by O(h^2), which that small
 * part's difference does not see. A differenced gradient needs an inner solve (two or three passes over
 * the cells and a factorisation each) and the whole gradient at every shifted point; this needs two
 * passes. Fills H's rows and columns of those coordinates among themselves and returns their positions.
 */
function profiledColumns(L: LaplaceMarginal, at: MarginalPoint, steps: Float64Array, H: Float64Array[]): Set<number> {
  const done = new Set<number>();
  const profile = L.profileCurvature(at);
  if (!profile || !profile.matrix.every((r) => r.every(Number.isFinite))) return done;
  const { coords, matrix } = profile;
  // The log-determinant's part in closed form where the structure gives it: no column differenced.
  const closed = L.logDetHessianOfCross(at);
  if (closed) {
    coords.forEach((j, a) => coords.forEach((i, b) => (H[i][j] = -matrix[b][a] + closed[b][a])));
    return new Set(coords);
  }
  const base = L.logDetSlopes(at.inner.theta, at.inner.factor);
  if (!base) return done;
  const tangents = L.tangentsOfCross(at);
  coords.forEach((j, a) => {
    const h = steps[j];
    const phi = Float64Array.from(at.inner.phi);
    phi[j] += h;
    const x = Float64Array.from(at.inner.x, (v, k) => v + h * tangents[a][k]);
    const shifted = L.logDetSlopes(assemble(L.field, phi, x));
    if (!shifted) return;
    coords.forEach((i, b) => (H[i][j] = -matrix[b][a] + (shifted[b] - base[b]) / h));
    done.add(j);
  });
  // A column that failed leaves the others' entries with it to its differenced column.
  return done;
}

function symmetrised(H: Float64Array[]): Float64Array[] {
  const p = H.length;
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) H[i][j] = H[j][i] = 0.5 * (H[i][j] + H[j][i]);
  return H;
}

/**
 * A differenced Hessian whose mirror entries disagree by more than 5% of the geometric mean of their
 * diagonals is noise; so is one whose entry without a mirror (a profiled row of a central column) has
 * one-sided differences that far apart.
 */
function noisy({ H, spread }: Differenced): boolean {
  const p = H.length;
  const size = (i: number, j: number): number => Math.sqrt(Math.abs(H[i][i] * H[j][j]));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) {
      if (!(Math.abs(H[i][j] - H[j][i]) <= 0.05 * size(i, j))) return true;
    }
  }
  return spread.some(({ i, j, gap }) => !(gap <= 0.05 * size(i, j)));
}

/**
 * phi_j's marginal sd from L's values: the curvature of L along phi_j by a central second difference,
 * the step moved to 0.3 of the sd it gives, a few times (a value difference is second order in the inner
 * solve's error, so it does not share the gradient's noise).
 */
function marginalSd(L: LaplaceMarginal, at: MarginalPoint, j: number, start: number): number {
  const phi = at.inner.phi;
  const valueAt = (t: number): number => {
    const x = Float64Array.from(phi);
    x[j] += t;
    const pt = L.at(x, at.inner.x);
    return 'failure' in pt ? NaN : pt.value;
  };
  let t = start;
  let sd = start;
  for (let iteration = 0; iteration < 6; iteration++) {
    const curvature = (2 * at.value - valueAt(t) - valueAt(-t)) / (t * t);
    if (!(curvature > 0) || !Number.isFinite(curvature)) break;
    sd = 1 / Math.sqrt(curvature);
    if (Math.abs(Math.log(t / (0.3 * sd))) < Math.log(2)) break;
    t = 0.3 * sd;
  }
  L.reset(at.inner.x);
  return sd;
}
