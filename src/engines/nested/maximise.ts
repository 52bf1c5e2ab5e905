import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InferenceError } from '../../core/errors.js';
import { cholesky } from '../../math/cholesky.js';
import type { LaplaceMarginal } from './marginal.js';
import { climb, searchFrom, type OuterMode } from './optimize.js';

/*
 * The outer search as a whole: climb (optimize.ts) from the start, then from elsewhere where the first
 * maximum may not be the highest: off a saddle, and in from a log-scale's far edge.
 */

/**
 * Below this eigenvalue of the sd-scaled -d2L (L curving upwards by more than noise: the flatness test's
 * eigenvalues are near 1 at a proper maximum), the search stopped at a saddle or a minimum.
 */
const UPWARD = -1e-3;
/** How far the escape from a saddle probes along each upward direction, in scaled units. */
const ESCAPE_STEPS = [0.5, 1, 2, 4];

/**
 * The maximum of L over phi. A search that ends where L curves upwards (started at a saddle or minimum:
 * the gradient vanishes at the symmetric centre of y ~ Normal(a * b, 1)) climbs again from the best probe
 * along each side of the upward direction; the better maximum is returned and the other kept in
 * otherModes, so that the caller can say the posterior has more than one mode.
 */
export function maximiseMarginal(L: LaplaceMarginal, phi0: Float64Array, maxIterations = 500): OuterMode {
  let mode = climb(L, phi0, maxIterations);
  const others: { phi: Float64Array; value: number }[] = [];
  for (let escape = 0; escape < 3; escape++) {
    const up = upwardDirection(mode);
    if (!up) break;
    const starts = [1, -1].map((side) => bestProbe(L, mode, up, side)).filter((p): p is { phi: Float64Array; value: number } => p !== undefined);
    if (starts.length === 0) break;
    const modes = starts.map((p) => climb(L, p.phi, maxIterations)).sort((a, b) => b.point.value - a.point.value);
    others.push(...modes.slice(1).map((m) => ({ phi: m.phi, value: m.point.value })));
    mode = modes[0];
  }
  mode = interiorRestarts(L, mode, others, maxIterations);
  return others.length > 0 ? { ...mode, otherModes: others } : mode;
}

/**
 * A log-scale above this (a dispersion of 8,000) with L nearly flat along it is at its far edge (as
 * ml_checks' boundaryCoordinates say); a large scale well determined (a residual sd of 1e6) is not.
 */
const FAR_EDGE = 9;
const FLAT = 0.1;
/** Where the search starts again on a log-scale left at its far edge: a scale of e^-1, e^2 and e^5. */
const INTERIOR_STARTS = [-1, 2, 5];

/**
 * A log-scale the search took to its far edge can leave an interior maximum behind: the profile of a
 * negative binomial's log dispersion can rise towards the Poisson limit and also to a peak inside (a gene
 * of 20,000 cells: log-likelihood -6873.19 at phi = 1e8, where glmmTMB also stops, and -6872.90 at
 * phi = 18.9). Climb again from inside the range along it, the other coordinates at the edge's mode, and
 * keep the highest mode.
 */
function interiorRestarts(L: LaplaceMarginal, mode: OuterMode, others: { phi: Float64Array; value: number }[], maxIterations: number): OuterMode {
  const names = L.field.ld.thetaNames;
  const far = L.field.outer.flatMap((c, j) => (names[c].startsWith('log(') && mode.phi[j] > FAR_EDGE && !(-mode.hessian[j][j] > FLAT) ? [j] : []));
  let best = mode;
  for (const j of far) {
    for (const v of INTERIOR_STARTS) {
      const phi = Float64Array.from(mode.phi);
      phi[j] = v;
      // Most restarts climb back to the edge: the search alone says so, and only a higher end is polished
      // (the outer Hessian is a gradient per coordinate; three of them were most of such a gene's fit).
      let m: OuterMode;
      try {
        // A search that climbs back past FAR_EDGE no higher than the edge's mode is on its way there: stopped.
        const edge = best.point.value + 1e-6;
        const end = searchFrom(L, phi, maxIterations, (p, value) => p[j] > FAR_EDGE && value <= edge);
        if (!(end.value > best.point.value + 1e-6)) continue;
        m = climb(L, end.inner.phi, maxIterations);
      } catch (e) {
        if (e instanceof InferenceError) continue;
        throw e;
      }
      if (m.point.value > best.point.value + 1e-6) {
        others.push({ phi: best.phi, value: best.point.value });
        best = m;
      }
    }
  }
  if (best !== mode) L.reset(best.point.inner.x);
  return best;
}

/** The direction (in phi, scale-weighted) along which L curves upwards most, if it does beyond noise. */
function upwardDirection(mode: OuterMode): Float64Array | undefined {
  const p = mode.scale.length;
  // A Hessian that is not finite everywhere (an edge the covariance will call flat) has no eigenvectors.
  if (p === 0 || mode.hessian.some((r) => r.some((v) => !Number.isFinite(v)))) return undefined;
  const rows = mode.hessian.map(() => new Float64Array(p));
  for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) rows[i][j] = rows[j][i] = -mode.hessian[i][j] * mode.scale[i] * mode.scale[j];
  // Most modes curve down in every direction: P + |UPWARD| d I positive definite, d = max |P_ii| <= the
  // largest |eigenvalue|, says the smallest eigenvalue is above UPWARD times it, without the eigenvalues.
  const d = rows.reduce((m, r, i) => Math.max(m, Math.abs(r[i])), 0);
  if (cholesky(rows.map((r, i) => Float64Array.from(r, (v, j) => (i === j ? v - UPWARD * d : v)))).positiveDefinite) return undefined;
  const e = new EigenvalueDecomposition(new Matrix(rows.map((r) => Array.from(r))), { assumeSymmetric: true });
  const values = e.realEigenvalues;
  const k = values.indexOf(Math.min(...values));
  const lmax = Math.max(...values.map(Math.abs), 1e-300);
  if (!(values[k] < UPWARD * lmax)) return undefined;
  const v = e.eigenvectorMatrix.getColumn(k);
  return Float64Array.from(v, (x, i) => x * mode.scale[i]);
}

/** The highest of the probes phi + side * t * dir, if any is higher than the mode itself. */
function bestProbe(L: LaplaceMarginal, mode: OuterMode, dir: Float64Array, side: number): { phi: Float64Array; value: number } | undefined {
  let best: { phi: Float64Array; value: number } | undefined;
  for (const t of ESCAPE_STEPS) {
    const phi = Float64Array.from(mode.phi, (v, i) => v + side * t * dir[i]);
    const pt = L.at(phi, mode.point.inner.x);
    if (!('failure' in pt) && pt.value > (best?.value ?? mode.point.value + 1e-9)) best = { phi, value: pt.value };
  }
  L.reset(mode.point.inner.x);
  return best;
}
