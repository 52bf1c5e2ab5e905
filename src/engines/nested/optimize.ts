import { InferenceError } from '../../core/errors.js';
import { lbfgsBacktracking, type LbfgsResult } from '../../math/lbfgs.js';
import { outerCovariance } from './covariance.js';
import type { InnerFailure } from './inner.js';
import type { LaplaceMarginal, MarginalPoint } from './marginal.js';
import { hessianOf, type Evaluated } from './outer_hessian.js';
import { SearchMetric } from './metric.js';

/** The maximum of the Laplace marginal over phi, with its gradient and Hessian there. */
export interface OuterMode {
  readonly phi: Float64Array;
  readonly point: MarginalPoint;
  readonly grad: Float64Array;
  /** d2L/dphi2 (central differences of the exact gradient). */
  readonly hessian: Float64Array[];
  /** Each phi_j's natural step (its conditional sd, at most 1). */
  readonly scale: Float64Array;
  readonly lbfgs: LbfgsResult;
  readonly newtonSteps: number;
  /**
   * Other local maxima found by climbing off a point where L curved upwards (the search had started at a
   * saddle or a minimum, e.g. the symmetric centre of a sign-symmetric posterior), with their L values.
   */
  readonly otherModes?: readonly { readonly phi: Float64Array; readonly value: number }[];
}

/** L-BFGS stops at this gradient inf-norm in scaled units; the Newton polish then takes it to the noise floor. */
const GRAD_TOL = 1e-6;
const POLISH_STEPS = 6;
/** A polish that moved less than this (in sd units) keeps the Hessian taken before it. */
const REUSE_HESSIAN = 1e-3;

export function failureMessage(f: InnerFailure, names: readonly string[]): string {
  if (f.failure === 'not-finite') return 'the log density is not finite there';
  return `the conditional Hessian of the latent field is not positive definite (at '${names[f.coordinate ?? 0] ?? '?'}')`;
}

/**
 * Maximises L from phi0: L-BFGS in coordinates scaled by each phi_j's conditional sd (so that a slope
 * on a covariate in millions and a log-sd get comparable steps), then Newton steps on the Hessian of L
 * (L-BFGS stalls near the optimum; Newton converges quadratically), flat directions (a variance at its
 * boundary) left where L-BFGS put them.
 */
export function climb(L: LaplaceMarginal, phi0: Float64Array, maxIterations: number): OuterMode {
  return polish(L, search(L, phi0, maxIterations));
}

/**
 * Where climb's search from phi0 ends, without the outer Hessian and the Newton polish that follow it
 * (a gradient per coordinate, and more): enough to tell whether a restart found a higher maximum.
 */
export function searchFrom(L: LaplaceMarginal, phi0: Float64Array, maxIterations: number, stop?: (phi: Float64Array, value: number) => boolean): MarginalPoint {
  return search(L, phi0, maxIterations, stop).best.point;
}

interface Searched {
  readonly best: Evaluated;
  readonly scale: Float64Array;
  readonly lbfgs: LbfgsResult;
}

/** L-BFGS in the whitened metric, measured again where the scales moved, and off any plateau. */
function search(L: LaplaceMarginal, phi0: Float64Array, maxIterations: number, stop?: (phi: Float64Array, value: number) => boolean): Searched {
  const names = L.field.ld.thetaNames;
  const first = L.at(phi0);
  if ('failure' in first) {
    throw new InferenceError('E501', `the Laplace marginal cannot be evaluated at the starting point: ${failureMessage(first, names)}`,
      'try --engine nuts, or check the model for a parameter without a proper prior');
  }
  let scale = L.scales(first.inner.theta);
  const outerNames = L.field.outer.map((i) => names[i]);
  if (!Number.isFinite(first.value)) {
    throw new InferenceError('E501', `the Laplace marginal is ${first.value} at the starting point`,
      'look for extreme values in the data (a count or a number of trials in the 1e15s or beyond), or try --engine nuts');
  }
  const badScale = Array.from(scale).findIndex((v) => !(v > 0 && Number.isFinite(v)));
  if (badScale >= 0) {
    throw new InferenceError('E518', `the curvature of the Laplace marginal at the starting point is not finite along '${outerNames[badScale]}': the data hold values too large for its derivatives in double precision`,
      'look for extreme values in the data (a covariate in the 1e15s, a count or a number of trials far beyond the others) and rescale or correct them');
  }
  let best: Evaluated = { point: first, grad: new Float64Array(0) };
  let metric = SearchMetric.of(scale, L.profileCurvature(first));
  const toPhi = (psi: Float64Array): Float64Array => metric.toPhi(psi);
  // Values at trial points need one inner solve; the gradient adds a selected inverse and differences,
  // so it is taken only at accepted points (backtracking L-BFGS).
  let last: { psi: Float64Array; point: MarginalPoint } | undefined;
  const value = (psi: Float64Array): number => {
    const point = L.at(toPhi(psi));
    if ('failure' in point) return Infinity;
    last = { psi, point };
    if (point.value > best.point.value) best = { point, grad: new Float64Array(0) };
    return -point.value;
  };
  const gradient = (psi: Float64Array): Float64Array => {
    const point = last && last.psi.every((v, j) => v === psi[j]) ? last.point : (L.at(toPhi(psi)) as MarginalPoint);
    const grad = L.gradient(point, scale);
    if (point === best.point) best = { point, grad };
    return metric.gradient(grad).map((g) => -g);
  };
  const run = (phi: Float64Array): LbfgsResult => lbfgsBacktracking(value, gradient, metric.toPsi(phi),
    { maxIterations, gradTol: GRAD_TOL, relTol: 1e-15, ...(stop ? { stop: (psi: Float64Array, f: number) => stop(toPhi(psi), -f) } : {}) });
  let res: LbfgsResult;
  try {
    res = run(phi0);
  } catch (e) {
    // The inner solve succeeded once from x = 0 and fails when started again from its own answer: a
    // problem at the edge of double precision, not a model the search can climb.
    if (!(e instanceof RangeError)) throw e;
    const again = L.at(phi0);
    throw new InferenceError('E501', `the Laplace marginal cannot be evaluated reliably at the starting point${'failure' in again ? `: ${failureMessage(again, names)}` : ''}`,
      'look for extreme values in the data (a count or a number of trials far beyond the others, a covariate in the 1e15s), or try --engine nuts');
  }
  if (res.reason === 'stopped') return { best, scale, lbfgs: res };
  // The scales are conditional sds at the start; where the search moved far (a residual sd from 1 to
  // 1e-5 shrinks the fixed effects' sds by as much), the coordinates it ends in are badly conditioned and
  // L-BFGS stalls: measure them again there and search on.
  // Only a log-scale that moved by more than a factor of 10 can have changed the others' scales that much;
  // measuring them costs two gradients per coordinate (20 cell groups per gene), so look first.
  let from = phi0;
  const logScales = L.field.outer.flatMap((c, j) => (names[c].startsWith('log(') ? [j] : []));
  for (let rescale = 0; rescale < 3; rescale++) {
    const to = best.point.inner.phi;
    if (!logScales.some((j) => Math.abs(to[j] - from[j]) > Math.log(10))) break;
    from = Float64Array.from(to);
    const now = L.scales(best.point.inner.theta);
    if (!now.every((v, j) => v > 0 && Number.isFinite(v) && Math.abs(Math.log(v / scale[j])) < Math.log(10))) {
      if (!now.every((v) => v > 0 && Number.isFinite(v))) break;
      scale = now;
      metric = SearchMetric.of(scale, L.profileCurvature(best.point));
      best = { point: best.point, grad: new Float64Array(0) };
      res = run(best.point.inner.phi);
      if (res.reason === 'stopped') return { best, scale, lbfgs: res };
    } else break;
  }
  // A log-scale drifted towards 0 sits on a plateau (L's slope in log sd vanishes with the sd), where the
  // search stops although L is higher further up: probe there, and search again from any better point.
  for (let restart = 0; restart < 3; restart++) {
    const escape = plateauEscape(L, best.point, names, phi0);
    if (!escape) break;
    res = run(escape);
    if (res.reason === 'stopped') break;
  }
  return { best, scale, lbfgs: res };
}

/** The outer Hessian at the search's end, and Newton steps on it to L's noise floor. */
function polish(L: LaplaceMarginal, searched: Searched): OuterMode {
  const { scale, lbfgs: res } = searched;
  const outerNames = L.field.outer.map((i) => L.field.ld.thetaNames[i]);
  const evaluate = (phi: Float64Array): Evaluated | undefined => {
    const point = L.at(phi);
    return 'failure' in point ? undefined : { point, grad: L.gradient(point, scale) };
  };
  const best = searched.best.grad.length === 0 ? { point: searched.best.point, grad: L.gradient(searched.best.point, scale) } : searched.best;
  let current = best;
  let hessian = hessianOf(L, current, scale);
  if (L.field.mode === 'posterior') unboundedCheck(L, current.point, hessian);
  else hessian = flattenEdges(L, current.point, hessian);
  let steps = 0;
  let moved = 0;
  // The covariance is the Hessian's (an eigendecomposition), taken again only when the Hessian is.
  let covariance: Float64Array[] | undefined;
  for (; steps < POLISH_STEPS; steps++) {
    covariance ??= outerCovariance(hessian, scale, outerNames).covariance;
    const step = Float64Array.from(covariance, (r) => r.reduce((s, c, j) => s + c * current.grad[j], 0));
    const size = step.reduce((m, v, j) => Math.max(m, Math.abs(v) / scale[j]), 0);
    // The Newton decrement g' step: the gain in L the step promises. Below 1e-9 the optimum is found to
    // far better than the SEs resolve (a step of 1e-4 SE gains 5e-9), and L's own noise is near 1e-10.
    const decrement = step.reduce((a, v, j) => a + v * current.grad[j], 0);
    if (!(decrement > 1e-9)) break;
    // The scales are conditional sds given the latent field, which can be 100 times below the marginal
    // sds (counts near 1e4 pin each group's effect to 0.002, while its sd is known to 20%): a step capped
    // at 1 scale unit then crawls. The step's length in the Hessian's own metric, sqrt(decrement), is
    // the one that says whether the quadratic model is trusted: at most 1 in either unit, halved while L
    // falls.
    let damp = Math.min(1, Math.max(1 / size, 1 / Math.sqrt(decrement)));
    let next: Evaluated | undefined;
    for (let halvings = 0; halvings < 6; halvings++, damp /= 2) {
      next = evaluate(Float64Array.from(current.point.inner.phi, (v, j) => v + damp * step[j]));
      if (next && next.point.value >= current.point.value - 1e-10 * (1 + Math.abs(current.point.value))) break;
      next = undefined;
    }
    if (!next) break;
    current = next;
    moved += damp * size;
    if (moved > 0.1) {
      hessian = hessianOf(L, current, scale);
      covariance = undefined;
      moved = 0;
    }
  }
  // A polish that moved less than 1e-3 sd changes the Hessian by less than its own differencing error
  // (~1e-3 of an entry): the step that follows L-BFGS is typically 1e-5 to 1e-4 sd, and a second Hessian
  // (a gradient per coordinate) was a third of a gene's fit.
  if (steps > 0 && moved > REUSE_HESSIAN) hessian = hessianOf(L, current, scale);
  return { phi: current.point.inner.phi, point: current.point, grad: current.grad, hessian, scale, lbfgs: res, newtonSteps: steps };
}

/**
 * A search that ends with a scale far towards 0 and L's curvature there not finite has found no maximum:
 * L rises without bound as the scale goes to 0 together with parameters it scales. That is a centred
 * hierarchy whose effects nested Laplace cannot integrate out (not Gaussian: u ~ StudentT(3, 0, tau)), so
 * they are hyperparameters with it, and their joint density has the funnel's spike at 0. Say so, rather
 * than blame the data's magnitude (E518).
 */
function unboundedCheck(L: LaplaceMarginal, at: MarginalPoint, hessian: Float64Array[]): void {
  const names = L.field.ld.thetaNames;
  const j = hessian.findIndex((r) => r.some((v) => !Number.isFinite(v)));
  if (j < 0) return;
  const down = L.field.outer.flatMap((c, k) => (names[c].startsWith('log(') && at.inner.phi[k] < PLATEAU ? [k] : []));
  if (down.length === 0) return;
  const scales = down.map((k) => `'${L.field.ld.names[L.field.outer[k]]}'`).join(', ');
  throw new InferenceError('E519', `the posterior has no mode for nested Laplace (the laplace engine, and the start of advi and fullrank) to build on: it rises without bound as ${scales} ${down.length > 1 ? 'go' : 'goes'} to 0 ` +
    `(reached ${down.map((k) => Math.exp(at.inner.phi[k]).toPrecision(2)).join(', ')}), with the parameters ${down.length > 1 ? 'they scale' : 'it scales'}: a centred hierarchy whose effects are not ` +
    'Gaussian (Student-t, Laplace, ...) is not a latent Gaussian field, and its density has a spike at a scale of 0',
  'use --engine nuts, which samples it; or write the effects non-centred (u = tau * z with z ~ StudentT(3, 0, 1)), which has a mode');
}

/** An unconstrained coordinate this far out is at the edge of its range: a log-scale below it, a logit beyond +-it. */
const EDGE = 9;

/**
 * Under ML and REML, a variance parameter at the edge of its range (a correlation of a singular block at
 * +-1: its logit runs off; an sd at 0) can leave rows of the differenced Hessian not finite. That is a
 * boundary fit, which lme4 reports as singular: those rows and columns are set to 0, so that the
 * covariance calls them flat (no SE, the singular-fit warning), instead of E518 blaming the data.
 */
function flattenEdges(L: LaplaceMarginal, at: MarginalPoint, hessian: Float64Array[]): Float64Array[] {
  const names = L.field.ld.thetaNames;
  const edge = (j: number): boolean => {
    const name = names[L.field.outer[j]];
    const v = at.inner.phi[j];
    return (name.startsWith('log(') && v < -EDGE) || (name.startsWith('logit(') && Math.abs(v) > EDGE);
  };
  if (!hessian.some((r) => r.some((v) => !Number.isFinite(v)))) return hessian;
  // A coordinate whose differences failed leaves its row and column not finite (a cross), and only its
  // own: every other row then holds one entry that is not finite too. The coordinates to flatten are the
  // crosses' centres, those whose own curvature is not finite; other rows keep their curvature (a block
  // of three correlated terms at an sd of 0 had left no fixed effect an SE).
  const centres = hessian.map((r, i) => !Number.isFinite(r[i]));
  const rest = hessian.some((r, i) => !centres[i] && r.some((v, j) => !centres[j] && !Number.isFinite(v)));
  const bad = rest ? hessian.map((r) => r.some((v) => !Number.isFinite(v))) : centres;
  const variance = (j: number): boolean => /^log(it)?\(/.test(names[L.field.outer[j]]) && !(L.field.ld.linear ?? []).includes(L.field.outer[j]);
  // Only where something is at its edge, or where only variance parameters are touched (a degenerate
  // block): a fixed effect's curvature that is not finite is the data's (E518).
  if (!(hessian.some((_, j) => edge(j)) || bad.every((b, j) => !b || variance(j)))) return hessian;
  // The entries of the coordinates beside the edge are not finite too (0 times the infinite slope of
  // sqrt(1 - c^2) at c = +-1: a partial correlation that a singular block no longer reads): flat as well.
  return hessian.map((r, i) => r.map((v, j) => (bad[i] || bad[j] ? 0 : v)));
}

/** Where a log-scale is "at 0": below this, its L is on the plateau of the log parametrisation. */
const PLATEAU = -6;

/**
 * A better point than `at` with a log-scale on the plateau moved back up, or undefined when none is
 * better by more than 1e-6. On the plateau: below e^-6, or e^6 below the largest log-scale (a random
 * effects' sd of 1 beside a residual sd of 2,600 is as flat as one of 1e-3 beside 1: lme4's theta is
 * their ratio). Probes: up by 3, 6 and 9 (a factor of 20, 400 and 8000), to where the search started,
 * and level with each other log-scale (lme4's start, theta = 1). A scale whose maximum really is at 0
 * (lme4's singular fit) stays there.
 */
function plateauEscape(L: LaplaceMarginal, at: MarginalPoint, names: readonly string[], start: Float64Array): Float64Array | undefined {
  const { field } = L;
  const phi0 = at.inner.phi;
  const logs = field.outer.flatMap((c, j) => (names[c].startsWith('log(') ? [j] : []));
  const top = Math.max(...logs.map((j) => phi0[j]));
  let best: { phi: Float64Array; value: number } | undefined;
  for (const j of logs) {
    if (!(phi0[j] < PLATEAU || phi0[j] < top - 6)) continue;
    const level = logs.map((k) => phi0[k] - phi0[j]).filter((d) => d > 3);
    const back = start[j] > phi0[j] + 9 ? [start[j] - phi0[j]] : [];
    for (const up of [3, 6, 9, ...back, ...level]) {
      const phi = Float64Array.from(phi0);
      phi[j] += up;
      const pt = L.at(phi, at.inner.x);
      if (!('failure' in pt) && pt.value > (best?.value ?? at.value + 1e-6)) best = { phi, value: pt.value };
    }
  }
  L.reset(at.inner.x);
  return best?.phi;
}
