import { warning, type EngineWarning } from '../../core/warning.js';
import type { LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import type { LaplaceProgress } from '../../core/progress.js';
import type { EngineResult } from '../result.js';
import type { NestedDiagnostics } from '../diagnostics.js';
import { makeField, type Field } from './field.js';
import { LaplaceMarginal } from './marginal.js';
import { maximiseMarginal } from './maximise.js';
import type { OuterMode } from './optimize.js';
import { startingPoint } from './start.js';
import { buildGrid, pointCostMs, type Grid } from './grid.js';
import { marginalChecker, summariseCorrection, type CorrectionSummary } from './correction.js';
import { drawMixture, gridWeights } from './mixture.js';
import { tailShares, tailWarning } from './tail.js';
import { checkLatent, type LatentCheck } from './quality.js';
import { khatWarnings, reweightedShifts } from '../../diagnostics/psis_shifts.js';
import { solveInner, type InnerSolution } from './inner.js';
import { axisProbes, checkProbes } from '../laplace/proper.js';

export interface NestedOptions {
  readonly draws: number;
  readonly rng: Rng;
  /** Reweight by PSIS: possible when there are no hyperparameters (the approximation is then one Gaussian). */
  readonly psis: boolean;
  /** Called after every evaluation of the Laplace marginal (a progress line). */
  readonly onProgress?: (p: LaplaceProgress) => void;
}

/** Below this effective sample size the random design over many hyperparameters is said to be unreliable. */
const RANDOM_MIN_ESS = 100;

/** Draws of the latent field's Gaussian checked against the exact density at the hyperparameters' mode. */
const CHECK_DRAWS = 1000;

/**
 * Nested Laplace (Rue, Martino & Chopin 2009; Stan's embedded Laplace, Margossian et al. 2020): the latent
 * Gaussian field x (random effects and fixed effects with Normal or flat priors) is integrated out at its
 * conditional mode, the hyperparameters' posterior is the Laplace marginal pi(phi | y), integrated over a
 * grid in whitened, skew-stretched coordinates, and x's posterior is its Gaussian mixed over the grid.
 * Unlike a Gaussian at the joint mode this needs no joint mode (a centred hierarchy has none: the density
 * grows without bound as a scale goes to 0 with its effects) and it is the same for a centred and a
 * non-centred model. Returns undefined when the model has no latent field (the joint Gaussian then serves).
 */
export function runNestedLaplace(ld: LogDensity, opts: NestedOptions): EngineResult | undefined {
  const exact = ld.float64Twin?.() ?? ld;
  try {
    const field = makeField(exact, 'posterior');
    if (field.x.length === 0) return undefined;
    return run(field, opts);
  } finally {
    if (exact !== ld) exact.dispose();
  }
}

/**
 * A fixed effect of the field with a flat prior that the data do not pin down (complete separation, a
 * coefficient no row reads) leaves the posterior improper: the density far out along it, at the
 * hyperparameters' mode, is level (E506) or still rising (E507). laplace/proper.ts says which and names it.
 */
function checkFixedEffects(field: Field, inner: InnerSolution): void {
  const linear = new Set(field.ld.linear ?? []);
  const variance = inner.factor.inverseDiagonal();
  const axes = field.x.flatMap((c, k) => (linear.has(c) ? [{ coord: c, sd: Math.sqrt(variance[k]), name: field.ld.thetaNames[c] }] : []));
  checkProbes((points) => field.ld.valueBatch(points), inner.theta, inner.value, axisProbes(field.ld.dim, axes.slice(0, 64)));
}

function run(field: Field, opts: NestedOptions): EngineResult | undefined {
  const t0 = performance.now();
  const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
  if (opts.onProgress) L.onEvaluate = (evaluations, best) => opts.onProgress!({ evaluations, best });
  const start = startingPoint(field, L, opts.rng.child('init'));
  const p = field.outer.length;
  let mode: OuterMode | undefined;
  let grid: Grid | undefined;
  let weights: Float64Array;
  let atMode;
  let correction: CorrectionSummary | undefined;
  if (p > 0) {
    mode = maximiseMarginal(L, start.phi);
    // The grid's points start from the mode's solution.
    L.reset(mode.point.inner.x);
    const checker = marginalChecker(field, opts.rng.child('marginal-check'));
    grid = buildGrid(L, mode, pointCostMs(field.ld.rows ?? 0, field.symbolic.flops), checker, opts.rng.child('grid'));
    weights = gridWeights(grid);
    if (checker) correction = summariseCorrection(grid.points, gridWeights(grid, false), weights);
    atMode = mode.point.inner;
  } else {
    const sol = solveInner(field, start.phi, start.x);
    // No mode of the field (a ridge, an improper direction): the joint engine's checks name it.
    if ('failure' in sol) return undefined;
    atMode = sol;
    weights = Float64Array.of(1);
  }
  checkFixedEffects(field, atMode);
  const t1 = performance.now();
  const check = checkLatent(field, atMode, opts.rng.child('check'), p === 0 ? opts.draws : CHECK_DRAWS);
  const mixed = p === 0 ? undefined : drawMixture(field, L, grid!, weights, mode!.scale, opts.rng.child('draws'), opts.draws);
  const draws = mixed?.draws ?? check.draws;
  const tail = mixed ? tailShares(field, grid!, weights, mixed.draws, mixed.from) : undefined;
  const reweight = opts.psis && p === 0;
  const t2 = performance.now();
  const ess = 1 / weights.reduce((s, w) => s + w * w, 0);
  return {
    engine: 'laplace',
    draws,
    weights: reweight ? check.psis.logWeights.map(Math.exp) : undefined,
    diagnostics: {
      kind: 'nested',
      method: p === 0 ? 'mode' : 'grid',
      khat: check.psis.khat,
      khatThreshold: check.psis.threshold,
      psisEss: check.psis.ess,
      psisDraws: check.draws.length,
      hyperDim: p,
      latentDim: field.x.length,
      structuredHessian: field.structured,
      gridPoints: grid?.points.length ?? 1,
      ...(grid ? { gridDesign: grid.design } : {}),
      gridEss: ess,
      ...(mode ? { logMarginalAtMode: mode.point.value + field.ld.constant, optimizerIterations: mode.lbfgs.iterations, optimizerReason: mode.lbfgs.reason } : {}),
      ...(correction ? { marginalCheck: correctionDiagnostics(field, correction) } : {}),
      marginalEvaluations: L.evaluations,
      innerNewtonSteps: L.innerSteps,
      nDraws: draws.length,
    },
    warnings: [...warningsFor(field, check, grid, opts.psis, ess), ...correctionWarnings(field, correction),
      ...(mode ? multimodalWarnings(field, mode) : []), ...(tail ? tailWarning(field, tail) : [])],
    timings: { modeMs: t1 - t0, drawsMs: t2 - t1 },
  };
}

function warningsFor(field: Field, check: LatentCheck, grid: Grid | undefined, psis: boolean, gridEss: number): EngineWarning[] {
  const hyper = field.outer.length > 0;
  const out = khatWarnings({
    approximation: hyper ? 'latent-field' : 'posterior', r: check.psis, shifts: reweightedShifts(check.psis, check.draws, field.x), names: field.ld.names,
    psisApplies: !hyper, reweighted: !hyper && psis, instead: ['nuts'], random: field.ld.latent,
  });
  const hyperParams = field.outer.map((i) => field.ld.names[i]);
  if (grid?.truncated) out.push(warning('grid-truncated', { figures: { points: grid.points.length } }, hyperParams));
  if (grid?.design === 'random' && gridEss < RANDOM_MIN_ESS) {
    out.push(warning('grid-low-ess', { figures: { ess: gridEss, points: grid.points.length, hyperparameters: field.outer.length } }, hyperParams));
  }
  if (psis && hyper) out.push(warning('psis-not-applied', {}));
  return out;
}

/** Another maximum of L within this of the best (a posterior density ratio of 1/20) holds mass the grid misses. */
const OTHER_MODE_WITHIN = Math.log(20);

/**
 * The grid is built around one maximum of the hyperparameters' marginal; another one nearly as high
 * (a sign-symmetric posterior: y ~ Normal(a * b, 1)) is mass it does not see. Say where both are.
 */
function multimodalWarnings(field: Field, mode: OuterMode): EngineWarning[] {
  const near = (mode.otherModes ?? []).filter((m) => m.value > mode.point.value - OTHER_MODE_WITHIN);
  if (near.length === 0) return [];
  const items = [{ at: Array.from(mode.phi), logDensity: 0 }, ...near.map((m) => ({ at: Array.from(m.phi), logDensity: m.value - mode.point.value }))];
  return [warning('multimodal', { figures: { modes: near.length + 1 }, items }, field.outer.map((c) => field.ld.thetaNames[c]))];
}

function correctionDiagnostics(field: Field, c: CorrectionSummary): NonNullable<NestedDiagnostics['marginalCheck']> {
  const largest = c.shift.reduce((b, v, j) => (v > c.shift[b] ? j : b), 0);
  return { points: c.checkedPoints, maxKhat: c.maxKhat, shift: c.shift[largest], parameter: field.ld.thetaNames[field.outer[largest]] };
}

/**
 * Where the importance-sampling check itself is unreliable at points that carry the posterior, neither
 * L nor its correction can be trusted for the hyperparameters: say so, naming them.
 */
function correctionWarnings(field: Field, c: CorrectionSummary | undefined): EngineWarning[] {
  if (!c || c.unreliableMass <= 0.05) return [];
  return [warning('marginal-poor', { figures: { mass: c.unreliableMass, maxKhat: c.maxKhat } }, field.outer.map((i) => field.ld.thetaNames[i]))];
}
