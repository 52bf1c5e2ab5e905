import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { PointCheck, PointChecker } from './correction.js';
import type { LaplaceMarginal, MarginalPoint } from './marginal.js';
import type { OuterMode } from './optimize.js';
import type { Rng } from '../../core/rng.js';
import { logSumExp } from '../../math/special.js';

/**
 * Integration over the hyperparameters (Rue, Martino & Chopin 2009, sec. 6.5, INLA's grid strategy):
 * z-coordinates that whiten the Laplace marginal at its mode (phi = mode + V Lambda^1/2 S(z) z), each axis
 * stretched separately on each side by how fast L really falls there (INLA's stdev.corr.pos/neg: a
 * variance's log has a long tail towards 0), then a regular grid in z explored outwards from the mode
 * while L stays within DROP of its maximum. With a checker (correction.ts), each point's L is corrected by
 * importance sampling as it is found, and the exploration follows the corrected values: where L is too
 * low at large scales, the grid goes on as far as the corrected posterior does.
 */
export interface GridPoint {
  readonly z: Float64Array;
  readonly phi: Float64Array;
  /** L(phi). */
  readonly value: number;
  /** The conditional mode x-hat(phi) (kept to restart the inner solve when drawing). */
  readonly x: Float64Array;
  /** The importance-sampling correction of L here (0 without a checker; inherited from the neighbour it was reached from past the budget). */
  readonly delta: number;
  /** The check made at this point, if one was. */
  readonly check?: PointCheck;
  /** log of the density the point was drawn from in z (the random design); absent on a lattice, whose points are equally spaced. */
  readonly logProposal?: number;
}

export interface Grid {
  readonly points: readonly GridPoint[];
  /** Grid step in z. */
  readonly step: number;
  /** z -> phi. */
  toPhi(z: Float64Array): Float64Array;
  /** log |d phi / d z| at z, up to a constant (it is constant within an orthant). */
  logJacobian(z: Float64Array): number;
  /** Per axis, the stretch on the positive and negative side. */
  readonly stretch: readonly (readonly [number, number])[];
  /** True when the exploration hit MAX_POINTS before L fell by DROP everywhere. */
  readonly truncated: boolean;
  /** 'lattice': INLA's grid; 'random': importance sampling in z, where a lattice would need more than MAX_POINTS / 2 points. */
  readonly design: 'lattice' | 'random';
}

/** Log-density drop at which exploration stops (INLA's diff.logdens). */
const DROP = 6;
/** Grid steps by dimension: fine in one or two dimensions, coarser where the count grows as step^-d. */
const STEPS = [0.5, 0.5, 0.75, 1, 1.2, 1.35, 1.5];
const MAX_POINTS = 1500;
/** Where each axis's stretch is measured: a Gaussian falls by 1.125 at 1.5 sds. */
const PROBE = 1.5;

/** Roughly how long a grid may take; beyond it the step grows (a grid of step 2 still integrates a Gaussian to 1%). */
const BUDGET_MS = 20_000;
/** A pass over one row (value, gradient and Hessian terms) and a multiply-add of the factorisation, in ns, as measured on a 2-core EPYC under Node 20. */
const ROW_PASS_NS = 150;
const FLOP_NS = 0.3;

/**
 * What one grid point costs, in ms, estimated from counts and never timed, so that the grid (and the
 * answer) is the same on any machine and under any load: about three passes over the rows (the inner
 * Newton steps from a neighbour's solution) and two factorisations of the latent Hessian, at the costs
 * of the machine the constants were measured on (InstEval, 73,421 rows and 2.7e8 flops: 195 ms estimated,
 * 157 ms measured). A timed evaluation once set the step: a loaded machine then drew a coarser grid.
 */
export function pointCostMs(rows: number, flops: number): number {
  return (rows * 3 * ROW_PASS_NS + flops * 2 * FLOP_NS) / 1e6;
}
const MAX_STEP = 2;
/**
 * Points checked by importance sampling, the first found (the lattice is explored outwards from the
 * mode, so these carry most of the weight); later points inherit the correction of the neighbour they
 * were reached from. A count, not a time: the same seed gives the same answer on any machine.
 */
const MAX_CHECKS = 150;

/** Points of a grid of step h inside the ball where a Gaussian is within DROP of its top, in d dimensions. */
function expectedPoints(d: number, h: number): number {
  const r = Math.sqrt(2 * DROP);
  const ballVolume = Math.PI ** (d / 2) / gamma(d / 2 + 1) * r ** d;
  return ballVolume / h ** d;
}

function gamma(x: number): number {
  // x is a half-integer or integer >= 1 here.
  return x === 1 ? 1 : x === 0.5 ? Math.sqrt(Math.PI) : (x - 1) * gamma(x - 1);
}

/**
 * The grid step in d dimensions: fine in one or two (0.5, 0.75), coarser where the count grows as
 * step^-d, and coarser still where one marginal evaluation is expensive (a 70,000-row model), so that the
 * grid stays near BUDGET_MS (`evaluationMs` from pointCostMs). Integration error of a grid of step h on a
 * Gaussian is ~exp(-2 pi^2 / h^2).
 */
export function gridStep(d: number, evaluationMs = 0): number {
  let h = STEPS[Math.min(d, STEPS.length - 1)];
  while (h < MAX_STEP && expectedPoints(d, h) * evaluationMs > BUDGET_MS) h = Math.min(MAX_STEP, h * 1.1);
  return h;
}

/** Eigenvectors and sds of the Gaussian at the mode: (-H)^-1 = V diag(sd^2) V'. Flat directions get sd = their scale. */
function whitening(mode: OuterMode): { V: Float64Array[]; sd: Float64Array } {
  const p = mode.phi.length;
  const S = mode.scale;
  const P = new Matrix(mode.hessian.map((r, i) => Array.from(r, (v, j) => -v * S[i] * S[j])));
  const e = new EigenvalueDecomposition(P, { assumeSymmetric: true });
  const lambda = e.realEigenvalues;
  const top = Math.max(...lambda);
  const V: Float64Array[] = [];
  const sd = new Float64Array(p);
  lambda.forEach((l, k) => {
    // In the scaled coordinates a curvature far below the largest is flat: give it unit scale instead.
    const lk = l > 1e-6 * top ? l : Math.max(top, 1);
    sd[k] = 1 / Math.sqrt(lk);
    V.push(Float64Array.from(e.eigenvectorMatrix.getColumn(k), (v, i) => v * S[i]));
  });
  return { V, sd };
}

export function buildGrid(L: LaplaceMarginal, mode: OuterMode, evaluationMs: number, checker?: PointChecker, rng?: Rng): Grid {
  const p = mode.phi.length;
  const { V, sd } = whitening(mode);
  const top = mode.point.value;
  const base = (z: Float64Array, stretch: readonly (readonly [number, number])[]): Float64Array => {
    const phi = Float64Array.from(mode.phi);
    for (let k = 0; k < p; k++) {
      const s = z[k] >= 0 ? stretch[k][0] : stretch[k][1];
      const t = z[k] * s * sd[k];
      for (let i = 0; i < p; i++) phi[i] += t * V[k][i];
    }
    return phi;
  };
  const pointAt = (phi: Float64Array, start: Float64Array): MarginalPoint | undefined => {
    const pt = L.at(phi, start);
    return 'failure' in pt ? undefined : pt;
  };
  const valueAt = (phi: Float64Array, start: Float64Array): { value: number; x: Float64Array } | undefined => {
    const pt = pointAt(phi, start);
    return pt && { value: pt.value, x: pt.inner.x };
  };
  let checks = 0;
  const check = (pt: MarginalPoint): PointCheck | undefined => (checker && checks < MAX_CHECKS ? checker(pt, checks++) : undefined);
  const atMode = check(mode.point);
  const unit = (k: number, t: number): Float64Array => Float64Array.from({ length: p }, (_, i) => (i === k ? t : 0));
  const ones = Array.from({ length: p }, () => [1, 1] as const);
  const stretch = Array.from({ length: p }, (_, k) => [1, -1].map((sign) => {
    const at = valueAt(base(unit(k, sign * PROBE), ones), mode.point.inner.x);
    const fall = at ? top - at.value : Infinity;
    // A Gaussian falls by PROBE^2 / 2; a slower fall means a longer tail on this side.
    const s = fall > 0 ? PROBE / Math.sqrt(2 * fall) : 3;
    return Math.min(3, Math.max(1 / 3, s));
  }) as unknown as readonly [number, number]);
  const step = gridStep(p, evaluationMs);
  const toPhi = (z: Float64Array): Float64Array => base(z, stretch);
  // Up to a constant (|det V| sd products), which normalising the weights removes.
  const logJacobian = (z: Float64Array): number => {
    let s = 0;
    for (let k = 0; k < p; k++) s += Math.log(z[k] >= 0 ? stretch[k][0] : stretch[k][1]);
    return s;
  };
  if (rng && expectedPoints(p, step) > MAX_POINTS / 2) {
    const points = randomDesign(p, (z, start) => {
      const at = pointAt(toPhi(z), start);
      if (!at) return undefined;
      const made = checker ? check(at) : undefined;
      return { value: at.value, x: at.inner.x, delta: made?.delta, check: made };
    }, mode.point.inner.x, atMode, top, rng, logJacobian);
    L.reset(mode.point.inner.x);
    return { points: points.map((q) => ({ ...q, phi: toPhi(q.z) })), step: RANDOM_STEP, toPhi, logJacobian, stretch, truncated: false, design: 'random' };
  }
  // Breadth-first from the mode over integer grid coordinates.
  const key = (c: readonly number[]): string => c.join(',');
  const seen = new Set<string>([key(new Array(p).fill(0))]);
  const queue: { c: number[]; start: Float64Array; delta: number }[] = [{ c: new Array(p).fill(0), start: mode.point.inner.x, delta: atMode?.delta ?? 0 }];
  const points: GridPoint[] = [];
  let truncated = false;
  // The highest corrected value so far: the exploration stops DROP below it.
  let best = top + (atMode?.delta ?? 0);
  while (queue.length > 0) {
    if (points.length >= MAX_POINTS) {
      truncated = true;
      break;
    }
    const { c, start, delta: inherited } = queue.shift()!;
    const z = Float64Array.from(c, (v) => v * step);
    const phi = toPhi(z);
    const at = c.every((v) => v === 0) ? mode.point : pointAt(phi, start);
    if (!at) continue;
    // Outside the plain L's region by far, no check: the correction would have to exceed DROP to bring it back.
    if (!(top - at.value < 2 * DROP)) continue;
    const made = c.every((v) => v === 0) ? atMode : checker ? check(at) : undefined;
    const delta = made?.delta ?? inherited;
    const value = at.value + delta;
    if (!(best - value < DROP)) continue;
    // Past the checks, a point's correction is its neighbour's guess: it may weight the point but not
    // carry the exploration past where the plain L stops (an inherited correction from the frontier
    // would push it outwards without end).
    if (checker && !made && !(top - at.value < DROP)) continue;
    best = Math.max(best, value);
    points.push({ z, phi, value: at.value, x: at.inner.x, delta, check: made });
    for (let k = 0; k < p; k++) {
      for (const d of [1, -1]) {
        const n = c.slice();
        n[k] += d;
        if (seen.has(key(n))) continue;
        seen.add(key(n));
        queue.push({ c: n, start: at.inner.x, delta });
      }
    }
  }
  L.reset(mode.point.inner.x);
  return { points, step, toPhi, logJacobian, stretch, truncated, design: 'lattice' };
}

/** The random design: points per stage, the first stage's spread in z, the effective sample size it aims at, and its limit. */
const STAGE_POINTS = 400;
const RANDOM_SCALE = 1.25;
const TARGET_ESS = 400;
const MAX_RANDOM_POINTS = 2400;
/** Later stages: the weighted covariance so far, widened by this factor in sd. */
const ADAPT_SCALE = 1.2;
/** What the mixture's jitter kernel reads as the design's spacing (its bandwidth is min(0.3, step / 4)). */
const RANDOM_STEP = 1.2;

interface Proposal {
  readonly mean: Float64Array;
  /** Lower Cholesky factor of the covariance, row-major p x p. */
  readonly chol: Float64Array;
  readonly logDetHalf: number;
  readonly count: number;
}

/**
 * Many hyperparameters (a residual sd per group, several variance components): a lattice of step 1.5
 * in 8 dimensions needs some 3,000 points inside L's region, and cut at MAX_POINTS it keeps the centre and
 * loses the tails (sds 30-40% short). Instead adaptive importance sampling in z, with the seeded
 * generator: a first stage from N(0, 1.25^2 I) (the stretched whitening makes L's region near a ball in
 * z), then stages from N(m, 1.2^2 C) with m and C the weighted mean and covariance so far, until the
 * effective sample size reaches TARGET_ESS (a Monte Carlo error of about 0.05 posterior sd in a mean) or
 * MAX_RANDOM_POINTS. Every point is weighted by L (corrected, as on the lattice) over the mixture of all
 * stages' densities (the balance heuristic, Veach & Guibas 1995), so no stage's tails are lost. Draws come
 * in antithetic pairs around each stage's mean.
 */
function randomDesign(p: number, evaluate: (z: Float64Array, start: Float64Array) => { value: number; x: Float64Array; delta?: number; check?: PointCheck } | undefined,
  x0: Float64Array, atMode: PointCheck | undefined, top: number, rng: Rng, logJacobian: (z: Float64Array) => number): Omit<GridPoint, 'phi'>[] {
  const points: Omit<GridPoint, 'phi'>[] = [];
  const proposals: Proposal[] = [];
  const first = new Float64Array(p * p);
  for (let i = 0; i < p; i++) first[i * p + i] = RANDOM_SCALE;
  let next: Proposal = { mean: new Float64Array(p), chol: first, logDetHalf: p * Math.log(RANDOM_SCALE), count: STAGE_POINTS };
  const zero = new Float64Array(p);
  points.push({ z: zero, value: top, x: x0, delta: atMode?.delta ?? 0, check: atMode });
  const draws = rng.child('random-design');
  let lastDelta = atMode?.delta ?? 0;
  const mixtureLog = (z: Float64Array): number => {
    const total = proposals.reduce((a, q) => a + q.count, 0);
    return logSumExp(proposals.map((q) => Math.log(q.count / total) + logGaussian(z, q)));
  };
  for (let stage = 0; ; stage++) {
    proposals.push(next);
    const q = next;
    for (let i = 0; i < q.count; i += 2) {
      const e = Float64Array.from({ length: p }, () => draws.normal());
      for (const sign of [1, -1]) {
        const z = Float64Array.from(q.mean);
        for (let r = 0; r < p; r++) for (let c = 0; c <= r; c++) z[r] += sign * q.chol[r * p + c] * e[c];
        const at = evaluate(z, x0);
        if (!at) continue;
        // Past the checks' budget a point takes the last correction found, as the lattice's inherit theirs.
        const delta = at.delta ?? lastDelta;
        lastDelta = delta;
        points.push({ z, value: at.value, x: at.x, delta, check: at.check });
      }
    }
    const logW = points.map((pt) => pt.value + pt.delta + logJacobian(pt.z) - mixtureLog(pt.z));
    const peak = Math.max(...logW);
    const w = logW.map((v) => Math.exp(v - peak));
    const sum = w.reduce((a, b) => a + b, 0);
    const ess = sum * sum / w.reduce((a, b) => a + b * b, 0);
    if (ess >= TARGET_ESS || points.length >= MAX_RANDOM_POINTS) break;
    next = adapted(points, w, sum, p);
  }
  return points.map((pt) => ({ ...pt, logProposal: mixtureLog(pt.z) }));
}

/** The next stage: the weighted mean and covariance of the points so far, widened, with a small ridge. */
function adapted(points: readonly Omit<GridPoint, 'phi'>[], w: readonly number[], sum: number, p: number): Proposal {
  const mean = new Float64Array(p);
  points.forEach((pt, k) => pt.z.forEach((v, j) => (mean[j] += (w[k] / sum) * v)));
  const cov = Array.from({ length: p }, () => new Float64Array(p));
  points.forEach((pt, k) => {
    for (let i = 0; i < p; i++) for (let j = 0; j <= i; j++) cov[i][j] += (w[k] / sum) * (pt.z[i] - mean[i]) * (pt.z[j] - mean[j]);
  });
  const chol = new Float64Array(p * p);
  let logDetHalf = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let v = ADAPT_SCALE * ADAPT_SCALE * cov[i][j] + (i === j ? 0.05 : 0);
      for (let k = 0; k < j; k++) v -= chol[i * p + k] * chol[j * p + k];
      if (i === j) {
        const d = Math.sqrt(Math.max(v, 1e-6));
        chol[i * p + i] = d;
        logDetHalf += Math.log(d);
      } else {
        chol[i * p + j] = v / chol[j * p + j];
      }
    }
  }
  return { mean, chol, logDetHalf, count: STAGE_POINTS };
}

/** log N(z; q.mean, q.chol q.chol') up to the constant -p/2 log 2 pi (the same for every stage). */
function logGaussian(z: Float64Array, q: Proposal): number {
  const p = z.length;
  const u = new Float64Array(p);
  let ss = 0;
  for (let r = 0; r < p; r++) {
    let v = z[r] - q.mean[r];
    for (let c = 0; c < r; c++) v -= q.chol[r * p + c] * u[c];
    u[r] = v / q.chol[r * p + r];
    ss += u[r] * u[r];
  }
  return -0.5 * ss - q.logDetHalf;
}
