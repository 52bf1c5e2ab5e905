import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { phasePoint, Slab, type PhasePoint, type Position } from './integrator.js';
import type { Metric } from './metric.js';
import { addVec, mergeContinues, type End, type Spans } from './termination.js';
import { buildTree, logAddExp, type Subtree, type TreeContext } from './trajectory.js';

const SLAB = new Slab();

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

/** A transition kernel: a pure function of (position, settings, metric, rng), as BlackJAX's step(rng, state). */
export type Kernel = (ld: LogDensity, metric: Metric, from: Position, settings: KernelSettings, rng: Rng) => [Position, TransitionInfo];

/** The trajectory so far, by its two outer ends in time and its momentum sum. */
interface Trajectory {
  readonly back: End;
  readonly front: End;
  readonly rho: Float64Array;
}

/** The spans (earlier, later) after a new subtree joins the trajectory at its front or its back. */
function spansAfter(t: Trajectory, sub: Subtree, forward: boolean): Spans {
  return forward
    ? { rhoA: t.rho, firstA: t.back, lastA: t.front, rhoB: sub.rho, firstB: sub.near, lastB: sub.far }
    : { rhoA: sub.rho, firstA: sub.far, lastA: sub.near, rhoB: t.rho, firstB: t.back, lastB: t.front };
}

/**
 * One NUTS transition, as Stan's base_nuts::transition: draw a momentum, then double the trajectory in a
 * random direction until a subtree is invalid, the merged trajectory turns back on itself, or the
 * maximum depth is reached. The sample moves to a new subtree's proposal with probability
 * min(1, W_new / W_old) ("biased progressive sampling", Betancourt 2017, App. A), which favours states
 * far from the start.
 */
export const nutsTransition: Kernel = (ld, metric, from, settings, rng) => {
  // Transitions in one thread run one at a time and copy their result out, so one slab serves them all.
  SLAB.reset();
  const z0 = phasePoint(from, metric.sampleMomentum(rng), metric);
  const ctx: TreeContext = { ld, metric, rng, H0: z0.H, eps: settings.stepSize, nLeapfrog: 0, sumAcceptProb: 0, divergent: false, slab: SLAB };
  let traj: Trajectory = { back: z0, front: z0, rho: z0.p };
  let backEnd: PhasePoint = z0;
  let frontEnd: PhasePoint = z0;
  let sample: PhasePoint = z0;
  let logWeight = 0;
  let depth = 0;
  while (depth < settings.maxDepth) {
    const forward = rng.uniform() > 0.5;
    ctx.eps = forward ? settings.stepSize : -settings.stepSize;
    const sub = buildTree(ctx, forward ? frontEnd : backEnd, depth);
    if (!sub.valid) break;
    depth++;
    if (sub.logWeight > logWeight || rng.uniform() < Math.exp(sub.logWeight - logWeight)) sample = sub.proposal;
    logWeight = logAddExp(logWeight, sub.logWeight);
    const spans = spansAfter(traj, sub, forward);
    if (forward) frontEnd = sub.far;
    else backEnd = sub.far;
    traj = { back: spans.firstA, front: spans.lastB, rho: addVec(spans.rhoA, spans.rhoB, SLAB) };
    if (!mergeContinues(spans)) break;
  }
  const info: TransitionInfo = {
    acceptStat: ctx.sumAcceptProb / ctx.nLeapfrog,
    treeDepth: depth,
    nLeapfrog: ctx.nLeapfrog,
    divergent: ctx.divergent,
    energy: sample.H,
    stepSize: settings.stepSize,
  };
  // q lives in the slab, which the next transition reuses (grad is the log density's own array).
  return [{ q: Float64Array.from(sample.q), logp: sample.logp, grad: sample.grad }, info];
};
