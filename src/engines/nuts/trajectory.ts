import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { leapfrog, type PhasePoint } from './integrator.js';
import type { Metric } from './metric.js';
import type { PointPool } from './point_pool.js';
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
  /** Where the transition's points and vectors come from (taken back when the next transition starts). */
  readonly pool?: PointPool;
  /** The halves under construction, two per depth (see buildTree). */
  readonly halves: Subtree[][];
}

/**
 * A subtree of 2^depth states, built away from the existing trajectory. Its fields are overwritten by
 * the next subtree built into the same object: buildTree's recursion reuses two per depth instead of
 * allocating one per leapfrog step and per merge (with a microsecond-scale gradient the allocations and
 * the garbage collection they caused cost as much as the gradient).
 */
export class Subtree {
  /** False after a divergence or a U-turn inside it: then nothing may be sampled from it. */
  valid = false;
  /** The state drawn from it, in proportion to the weights (multinomial sampling). */
  proposal!: PhasePoint;
  /** log of the sum of its states' weights exp(H0 - H). */
  logWeight = 0;
  rho!: Float64Array;
  /** The state next to the existing trajectory, and the far one, from which the next subtree grows. */
  near!: End;
  far!: PhasePoint;
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function leaf(ctx: TreeContext, from: PhasePoint, out: Subtree): void {
  const z = leapfrog(ctx.ld, ctx.metric, from, ctx.eps, ctx.pool);
  ctx.nLeapfrog++;
  const dH = z.H - ctx.H0;
  if (dH > MAX_DELTA_H) ctx.divergent = true;
  ctx.sumAcceptProb += dH < 0 ? 1 : Math.exp(-dH);
  out.valid = !ctx.divergent;
  out.proposal = z;
  out.logWeight = -dH;
  // Momenta are never written after a leapfrog step creates them, so a leaf's rho can share z.p.
  out.rho = z.p;
  out.near = z;
  out.far = z;
}

/** The two halves a subtree of depth `depth` is built from (depth - 1 each), reused from one build to the next. */
function halvesAt(ctx: TreeContext, depth: number): Subtree[] {
  while (ctx.halves.length < depth) ctx.halves.push([new Subtree(), new Subtree()]);
  return ctx.halves[depth - 1];
}

/**
 * Builds a subtree of depth `depth` from the state `from` into `out` (Hoffman & Gelman 2014, Alg. 3, with
 * Stan's multinomial sampling and the generalised criterion). Inside a subtree the proposal is sampled
 * uniformly in proportion to the weights of the two halves (Betancourt 2017, App. A: "uniform progressive
 * sampling"). The halves of depth d live in ctx.halves[d - 1]: building the second half reuses the
 * deeper levels the first half used, which by then are copied into the first half.
 */
export function buildTree(ctx: TreeContext, from: PhasePoint, depth: number, out: Subtree): void {
  if (depth === 0) return leaf(ctx, from, out);
  const [first, second] = halvesAt(ctx, depth);
  buildTree(ctx, from, depth - 1, first);
  if (!first.valid) {
    out.valid = false;
    return;
  }
  buildTree(ctx, first.far, depth - 1, second);
  if (!second.valid) {
    out.valid = false;
    return;
  }
  const logWeight = logAddExp(first.logWeight, second.logWeight);
  const takeSecond = second.logWeight > logWeight || ctx.rng.uniform() < Math.exp(second.logWeight - logWeight);
  // The halves in the order they were built; the criterion is symmetric in time, so this is the order
  // in time whichever way the tree grows.
  out.valid = mergeContinues(first.rho, first.near, first.far, second.rho, second.near, second.far);
  out.proposal = takeSecond ? second.proposal : first.proposal;
  out.logWeight = logWeight;
  out.rho = addVec(first.rho, second.rho, ctx.pool);
  out.near = first.near;
  out.far = second.far;
}
