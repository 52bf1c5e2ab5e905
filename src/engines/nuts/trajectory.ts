import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { leapfrog, type PhasePoint, type Slab } from './integrator.js';
import type { Metric } from './metric.js';
import { mergeContinues, addVec, type End } from './termination.js';

/** Energy error beyond which a leapfrog step counts as divergent (Stan's max_deltaH_). */
export const MAX_DELTA_H = 1000;

/** What building a trajectory needs and what it counts, shared by every subtree of one transition. */
export interface TreeContext {
  readonly ld: LogDensity;
  readonly metric: Metric;
  readonly rng: Rng;
  /** Energy of the initial state: weights are exp(H0 - H). */
  readonly H0: number;
  /** Signed step size: negative when the tree grows backwards in time. */
  eps: number;
  nLeapfrog: number;
  /** Sum over every new state of min(1, exp(H0 - H)), the statistic step-size adaptation targets. */
  sumAcceptProb: number;
  divergent: boolean;
  /** Where the transition's arrays come from (released when the next transition starts). */
  readonly slab?: Slab;
}

/** A subtree of 2^depth states, built away from the existing trajectory. */
export interface Subtree {
  /** False after a divergence or a U-turn inside it: then nothing may be sampled from it. */
  readonly valid: boolean;
  /** The state drawn from it, in proportion to the weights (multinomial sampling). */
  readonly proposal: PhasePoint;
  /** log of the sum of its states' weights exp(H0 - H). */
  readonly logWeight: number;
  readonly rho: Float64Array;
  /** The state next to the existing trajectory, and the far one, from which the next subtree grows. */
  readonly near: End;
  readonly far: PhasePoint;
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function leaf(ctx: TreeContext, from: PhasePoint): Subtree {
  const z = leapfrog(ctx.ld, ctx.metric, from, ctx.eps, ctx.slab);
  ctx.nLeapfrog++;
  const dH = z.H - ctx.H0;
  if (dH > MAX_DELTA_H) ctx.divergent = true;
  ctx.sumAcceptProb += dH < 0 ? 1 : Math.exp(-dH);
  // Momenta are never written after a leapfrog step creates them, so a leaf's rho can share z.p.
  return { valid: !ctx.divergent, proposal: z, logWeight: -dH, rho: z.p, near: z, far: z };
}

/**
 * Builds a subtree of depth `depth` from the state `from` (Hoffman & Gelman 2014, Alg. 3, with Stan's
 * multinomial sampling and the generalised criterion). Inside a subtree the proposal is sampled uniformly
 * in proportion to the weights of the two halves (Betancourt 2017, App. A: "uniform progressive sampling").
 */
export function buildTree(ctx: TreeContext, from: PhasePoint, depth: number): Subtree {
  if (depth === 0) return leaf(ctx, from);
  const first = buildTree(ctx, from, depth - 1);
  if (!first.valid) return first;
  const second = buildTree(ctx, first.far, depth - 1);
  if (!second.valid) return second;
  const logWeight = logAddExp(first.logWeight, second.logWeight);
  const takeSecond = second.logWeight > logWeight || ctx.rng.uniform() < Math.exp(second.logWeight - logWeight);
  // The halves in the order they were built; the criterion is symmetric in time, so this is the order
  // in time whichever way the tree grows.
  const valid = mergeContinues({
    rhoA: first.rho, firstA: first.near, lastA: first.far,
    rhoB: second.rho, firstB: second.near, lastB: second.far,
  });
  return {
    valid,
    proposal: takeSecond ? second.proposal : first.proposal,
    logWeight,
    rho: addVec(first.rho, second.rho, ctx.slab),
    near: first.near,
    far: second.far,
  };
}
