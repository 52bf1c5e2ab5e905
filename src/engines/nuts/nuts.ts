import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { hamiltonian, type PhasePoint, type Position } from './integrator.js';
import { PointPool } from './point_pool.js';
import type { Metric } from './metric.js';
import { addVec, mergeContinues } from './termination.js';
import { buildTree, logAddExp, Subtree, type TreeContext } from './trajectory.js';

// Transitions in one thread run one at a time and copy their result out, so one set of scratch serves them all.
const POOL = new PointPool();
const HALVES: Subtree[][] = [];
const NEW_SUBTREE = new Subtree();
/**
 * Where results go: two (q, grad) pairs used in turn, so a transition's result stays valid while the next
 * transition starts from it (and until the one after), without two new arrays per transition.
 */
const RESULTS: Float64Array[][] = [];
let nextResult = 0;
function resultArrays(dim: number): Float64Array[] {
  if (RESULTS.length === 0 || RESULTS[0][0].length !== dim) {
    RESULTS.length = 0;
    for (let k = 0; k < 2; k++) RESULTS.push([new Float64Array(dim), new Float64Array(dim)]);
  }
  nextResult = 1 - nextResult;
  return RESULTS[nextResult];
}

/** What one transition reports besides the new position: Stan's sampler parameters (accept_stat__, ...). */
export interface TransitionInfo {
  readonly acceptStat: number;
  readonly treeDepth: number;
  readonly nLeapfrog: number;
  readonly divergent: boolean;
  /** H at the selected state (energy__), for E-BFMI. */
  readonly energy: number;
  readonly stepSize: number;
}

export interface KernelSettings {
  readonly stepSize: number;
  readonly maxDepth: number;
}

/**
 * A transition kernel: a pure function of (position, settings, metric, rng), as BlackJAX's step(rng, state).
 * Its result may live in buffers the kernel reuses: valid until the call after the next one in this thread
 * (so a chain may start the next transition from it); copy what must last longer.
 */
export type Kernel = (ld: LogDensity, metric: Metric, from: Position, settings: KernelSettings, rng: Rng) => [Position, TransitionInfo];

/**
 * One NUTS transition, as Stan's base_nuts::transition: draw a momentum, then double the trajectory in a
 * random direction until a subtree is invalid, the merged trajectory turns back on itself, or the
 * maximum depth is reached. The sample moves to a new subtree's proposal with probability
 * min(1, W_new / W_old) ("biased progressive sampling", Betancourt 2017, App. A), which favours states
 * far from the start.
 */
export const nutsTransition: Kernel = (ld, metric, from, settings, rng) => {
  POOL.reset(from.q.length);
  const z0 = POOL.point();
  z0.q.set(from.q);
  z0.grad.set(from.grad);
  z0.logp = from.logp;
  metric.sampleMomentumInto(rng, z0.p);
  metric.velocityInto(z0.p, z0.v);
  z0.H = hamiltonian(z0.logp, z0.p, z0.v);
  const ctx: TreeContext = {
    ld, metric, rng, H0: z0.H, eps: settings.stepSize, nLeapfrog: 0, sumAcceptProb: 0, divergent: false, pool: POOL, halves: HALVES,
  };
  // The trajectory so far: its two ends in time and its momentum sum.
  let back: PhasePoint = z0;
  let front: PhasePoint = z0;
  let rho = z0.p;
  let sample: PhasePoint = z0;
  let logWeight = 0;
  let depth = 0;
  const sub = NEW_SUBTREE;
  while (depth < settings.maxDepth) {
    const forward = rng.uniform() > 0.5;
    ctx.eps = forward ? settings.stepSize : -settings.stepSize;
    buildTree(ctx, forward ? front : back, depth, sub);
    if (!sub.valid) break;
    depth++;
    if (sub.logWeight > logWeight || rng.uniform() < Math.exp(sub.logWeight - logWeight)) sample = sub.proposal;
    logWeight = logAddExp(logWeight, sub.logWeight);
    // The merged spans in time order: the old trajectory, then the new subtree (forward), or the other way round.
    const continues = forward
      ? mergeContinues(rho, back, front, sub.rho, sub.near, sub.far)
      : mergeContinues(sub.rho, sub.far, sub.near, rho, back, front);
    rho = addVec(rho, sub.rho, POOL);
    if (forward) front = sub.far;
    else back = sub.far;
    if (!continues) break;
  }
  const info: TransitionInfo = {
    acceptStat: ctx.sumAcceptProb / ctx.nLeapfrog,
    treeDepth: depth,
    nLeapfrog: ctx.nLeapfrog,
    divergent: ctx.divergent,
    energy: sample.H,
    stepSize: settings.stepSize,
  };
  // The sample lives in the pool, which the next transition reuses: copied out to one of the result pairs.
  const [q, grad] = resultArrays(sample.q.length);
  q.set(sample.q);
  grad.set(sample.grad);
  return [{ q, logp: sample.logp, grad }, info];
};
