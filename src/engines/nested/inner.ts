import type { CholeskyFactor } from '../../math/sparse/index.js';
import { sameValues } from '../../math/same_values.js';
import { assemble, pick, type Field } from './field.js';

/** The conditional mode x-hat(phi) and what the Laplace marginal needs there. */
export interface InnerSolution {
  readonly phi: Float64Array;
  readonly x: Float64Array;
  readonly theta: Float64Array;
  /** f(phi, x-hat): the log density. */
  readonly value: number;
  /** The full gradient of f at theta (its x part is ~0 at the mode). */
  readonly grad: Float64Array;
  /** -d2f/dx2 at x-hat on the field's pattern, and its Cholesky factor. */
  readonly hessian: Float64Array;
  readonly factor: CholeskyFactor;
  /** g' H^-1 g at x-hat: twice the increase a further Newton step would give. */
  readonly decrement: number;
  readonly steps: number;
  readonly converged: boolean;
}

/** Why the inner solve failed at phi. */
export interface InnerFailure {
  readonly failure: 'not-finite' | 'not-positive-definite';
  /** theta coordinate of the failing pivot, when the Hessian was not positive definite. */
  readonly coordinate?: number;
  readonly steps: number;
}

/**
 * Newton's method is converged when the decrement g' H^-1 g (the squared distance to the mode in the
 * posterior's own metric, times 2 the gain still available) is below this: the mode is then known to
 * 1e-7 conditional sd, so the marginal's log-determinant (first order in x) is right to ~1e-7, and the
 * implicit-differentiation gradient, which assumes g = 0, to the same.
 */
const DECREMENT_TOL = 1e-14;
const MAX_STEPS = 60;

/**
 * Maximises f(phi, .) over x by damped Newton steps on the exact (or differenced) sparse Hessian, from
 * `x0` (the previous solution: warm starts make most solves one or two steps). A Hessian that is not
 * positive definite away from the mode (a non-log-concave likelihood) gets Levenberg damping; at the
 * mode it is a failure the caller reports.
 */
export function solveInner(field: Field, phi: Float64Array, x0: Float64Array): InnerSolution | InnerFailure {
  const { ld } = field;
  let x = Float64Array.from(x0);
  let theta = assemble(field, phi, x);
  let current = ld.valueAndGrad(theta);
  if (!Number.isFinite(current.value)) return { failure: 'not-finite', steps: 0 };
  // With H constant in x (a Gaussian response), the Hessian and its factor at the start serve every step.
  let reuse: { hessian: Float64Array; exact: ReturnType<typeof field.symbolic.factor> } | undefined;
  for (let steps = 0; ; steps++) {
    const hessian = reuse?.hessian ?? field.hessian.values(theta);
    const g = pick(current.grad, field.x);
    const exact = reuse?.exact ?? (field.hessian.constantInX ? cachedFactor(field, hessian) : field.symbolic.factor(hessian));
    if (field.hessian.constantInX) reuse = { hessian, exact };
    let factor = 'notPositiveDefinite' in exact ? undefined : exact;
    let damped = false;
    if (!factor) {
      factor = dampedFactor(field, hessian);
      damped = true;
      if (!factor) {
        const bad = 'notPositiveDefinite' in exact ? exact.notPositiveDefinite : 0;
        return { failure: 'not-positive-definite', coordinate: field.x[bad], steps };
      }
    }
    const step = factor.solve(g);
    let decrement = 0;
    for (let k = 0; k < g.length; k++) decrement += g[k] * step[k];
    if (damped && steps >= MAX_STEPS) return { failure: 'not-positive-definite', coordinate: field.x['notPositiveDefinite' in exact ? exact.notPositiveDefinite : 0], steps };
    const done = !damped && (decrement < DECREMENT_TOL * Math.max(1, g.length) || steps >= MAX_STEPS);
    if (done || !(decrement > 0)) {
      if (damped) return { failure: 'not-positive-definite', coordinate: field.x['notPositiveDefinite' in exact ? exact.notPositiveDefinite : 0], steps };
      return { phi, x, theta, value: current.value, grad: current.grad, hessian, factor, decrement, steps, converged: decrement < DECREMENT_TOL * Math.max(1, g.length) };
    }
    // Backtracking: the full step first (exact for a Gaussian likelihood), halved until f rises.
    let t = 1;
    const stepSize = maxAbs(step);
    const xSize = maxAbs(x);
    for (let tries = 0; ; tries++) {
      const xt = Float64Array.from(x, (v, k) => v + t * step[k]);
      const thetaT = assemble(field, phi, xt);
      const trial = ld.valueAndGrad(thetaT);
      if (Number.isFinite(trial.value) && trial.value >= current.value - 1e-12 * Math.abs(current.value)) {
        let accepted = { x: xt, theta: thetaT, at: trial };
        // A step cut down from the full one fell where the quadratic model fails (a likelihood nearly
        // linear in the predictor: a negative binomial whose means are far above its dispersion, where
        // the Newton step is mean / (count + 1), thousands). The first t that rises can still be far
        // past the best along the step, where the weights vanish and the next Hessian is singular
        // (decrements of 1e26): halve on while f keeps rising.
        for (let more = 0; t < 1 && more < 40; more++) {
          const xh = Float64Array.from(x, (v, k) => v + (t / 2) * step[k]);
          const thetaH = assemble(field, phi, xh);
          const half = ld.valueAndGrad(thetaH);
          if (!(Number.isFinite(half.value) && half.value > accepted.at.value)) break;
          accepted = { x: xh, theta: thetaH, at: half };
          t /= 2;
        }
        x = accepted.x;
        theta = accepted.theta;
        current = accepted.at;
        break;
      }
      t /= 2;
      // Until the step is below x's rounding: a Hessian nearly singular along a coordinate sent far past
      // its mode (its weights e^-500) makes a step of 1e26, and halving it 40 times left 1e14.
      if (tries > 40 && !(t * stepSize > 1e-15 * (1 + xSize))) {
        // No step improves f: the mode is found to rounding.
        return { phi, x, theta, value: current.value, grad: current.grad, hessian, factor, decrement, steps, converged: decrement < 1e-8 * Math.max(1, g.length) };
      }
    }
  }
}

/**
 * The last factor of each Gaussian field, reused when H is the same to the bit: moving only a fixed
 * effect (the outer Hessian's differences along it) leaves H, its factor and its selected inverse
 * (memoised by the factor) unchanged, and a refactorisation with the tail dense costs ~0.1 s on InstEval.
 */
const lastFactors = new WeakMap<Field, { hessian: Float64Array; exact: ReturnType<Field['symbolic']['factor']> }>();

function cachedFactor(field: Field, hessian: Float64Array): ReturnType<Field['symbolic']['factor']> {
  const last = lastFactors.get(field);
  if (last && sameValues(last.hessian, hessian)) return last.exact;
  const exact = field.symbolic.factor(hessian);
  lastFactors.set(field, { hessian, exact });
  return exact;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k]));
  return m;
}


/** The factor of H + lambda diag(H) for the smallest lambda (from 1e-6, by factors of 10) that is positive definite. */
function dampedFactor(field: Field, hessian: Float64Array): CholeskyFactor | undefined {
  const { colPtr } = field.hessian.pattern;
  const n = field.x.length;
  for (let lambda = 1e-6; lambda <= 1e8; lambda *= 10) {
    const h = Float64Array.from(hessian);
    for (let j = 0; j < n; j++) {
      const d = colPtr[j];
      h[d] += lambda * Math.max(Math.abs(hessian[d]), 1e-8);
    }
    const f = field.symbolic.factor(h);
    if (!('notPositiveDefinite' in f)) return f;
  }
  return undefined;
}

/**
 * The first-order correction of the latent field's mean from its mode (the mean shift of INLA's
 * simplified Laplace, Rue et al. 2009 sec. 3.2.3): with T the third derivatives of f at x-hat,
 * E[x] - x-hat = 1/2 H^-1 (T : H^-1) = -1/2 H^-1 grad_x log det H. A skewed conditional (a Poisson cell
 * with few counts, a binomial group near 0 or 1) has its mean off its mode by a good fraction of an sd;
 * the Gaussian at the mode would report the mode as the mean. Zero when the compiler gives no third derivatives.
 */
export function meanShift(field: Field, inner: InnerSolution): Float64Array {
  // Gaussian in x: no third derivatives, no shift (and no selected inverse to compute for nothing).
  if (field.hessian.constantInX) return new Float64Array(inner.x.length);
  const grad = field.hessian.logDetGradient?.(inner.theta, inner.factor.selectedInverse());
  if (!grad) return new Float64Array(inner.x.length);
  return inner.factor.solve(grad).map((v) => -0.5 * v);
}
