import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { PointCheck, PointChecker } from './correction.js';
import type { LaplaceMarginal, MarginalPoint } from './marginal.js';
import type { OuterMode } from './optimize.js';
import type { Rng } from '../../core/rng.js';

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
 * grid stays near BUDGET_MS. Integration error of a grid of step h on a Gaussian is ~exp(-2 pi^2 / h^2).
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
    }, mode.point.inner.x, atMode, top, rng);
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

/** Points of the random design, and the spread of its proposal in z (wider than the Gaussian L would be, for the tails). */
const RANDOM_POINTS = 801;
const RANDOM_SCALE = 1.25;
/** What the mixture's jitter kernel reads as the design's spacing (its bandwidth is min(0.3, step / 4)). */
const RANDOM_STEP = 1.2;

/**
 * Many hyperparameters (a residual sd per group, several variance components): a lattice of step 1.5
 * in 8 dimensions needs some 3,000 points inside L's region, and cut at MAX_POINTS it keeps the centre and
 * loses the tails (sds 30-40% short). Instead, z ~ N(0, RANDOM_SCALE^2 I) drawn with the seeded generator
 * (the stretched whitening makes L's region near a ball in z), each point weighted by L (corrected, as on
 * the lattice) over the proposal: importance sampling, whose effective sample size says how well it did.
 */
function randomDesign(p: number, evaluate: (z: Float64Array, start: Float64Array) => { value: number; x: Float64Array; delta?: number; check?: PointCheck } | undefined,
  x0: Float64Array, atMode: PointCheck | undefined, top: number, rng: Rng): Omit<GridPoint, 'phi'>[] {
  const points: Omit<GridPoint, 'phi'>[] = [];
  const logNormal = (z: Float64Array): number => -0.5 * z.reduce((a, v) => a + v * v, 0) / (RANDOM_SCALE * RANDOM_SCALE);
  const zero = new Float64Array(p);
  points.push({ z: zero, value: top, x: x0, delta: atMode?.delta ?? 0, check: atMode, logProposal: logNormal(zero) });
  const draws = rng.child('random-design');
  let lastDelta = atMode?.delta ?? 0;
  // Antithetic pairs (z, -z): the mean's error from the odd part of the weights cancels, which halves the
  // Monte Carlo error of the hyperparameters' means for the same number of evaluations.
  let pair = new Float64Array(p);
  for (let i = 1; i < RANDOM_POINTS; i++) {
    const z = i % 2 === 1 ? Float64Array.from({ length: p }, () => RANDOM_SCALE * draws.normal()) : Float64Array.from(pair, (v) => -v);
    pair = z;
    const at = evaluate(z, x0);
    if (!at) continue;
    // Past the checks' budget a point takes the last correction found, as the lattice's inherit theirs.
    const delta = at.delta ?? lastDelta;
    lastDelta = delta;
    points.push({ z, value: at.value, x: at.x, delta, check: at.check, logProposal: logNormal(z) });
  }
  return points;
}
