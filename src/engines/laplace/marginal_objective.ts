import type { LogDensity } from '../../core/log_density.js';
import { assemble, precisionAt, solveInner, type InnerProblem, type InnerSolution, type Split, type WarmStart } from './marginal_inner.js';
import { coloringOf, denseColoring, relativeDifference } from './marginal_sparsity.js';

/**
 * The Laplace-approximated marginal log likelihood (or log posterior) of the outer parameters phi,
 * with the latent coordinates u integrated out (Tierney & Kadane 1986; lme4's nAGQ = 1, TMB):
 *   L(phi) = f(phi, u-hat) + |u|/2 log(2 pi) - 1/2 log det(-H_uu(phi, u-hat)),
 * and its gradient and Hessian by finite differences of L.
 */

/**
 * Outer steps, in units of each coordinate's conditional sd s_i = (-d2f/dphi_i2)^-1/2 at the current
 * point (capped at 1), so that a fixed effect on a covariate measured in thousands gets a step to its
 * scale. L is computed to about eps_L = 2e-10 absolute (the rounding of f and of the u-Hessian's
 * differences, and the inner stop; measured on ZEB2 as the scatter of L about a quadratic over
 * 1e-5-wide steps); its nonlinearity is on the scale of s_i or wider.
 * - Gradient, central differences: truncation (k/s)^2 |L'''| s^3 / 6 vs noise eps_L / k; with
 *   k = 1e-3 s both are below 1e-6 / s, i.e. the optimum is found to ~1e-6 sd.
 * - Hessian, second differences: truncation (k/s)^2 / 12 relative vs noise eps_L / k^2 relative to
 *   the curvature 1/s^2; k = 1e-2 s balances them near 1e-5, far inside the 2% asked of the SEs.
 */
export const GRAD_STEP = 1e-3;
export const HESS_STEP = 1e-2;

export interface MarginalPoint {
  readonly value: number;
  readonly inner: InnerSolution;
}

/** L(phi) with warm-started inner solves; counts its own work. */
export class LaplaceMarginal {
  evaluations = 0;
  gradientEvaluations = 0;
  newtonSteps = 0;
  innerFailures = 0;
  /** The latest finite solution: where the next inner solve starts. */
  private latest: WarmStart | null = null;
  private readonly logTwoPiTerm: number;
  private readonly problem: InnerProblem;
  /** The u-Hessian's sparsity pattern is read from the first converged solve (dense), then used. */
  private patternKnown = false;

  constructor(private readonly ld: LogDensity, readonly split: Split) {
    this.logTwoPiTerm = 0.5 * split.latent.length * Math.log(2 * Math.PI);
    this.problem = { ld, split, coloring: denseColoring(split.latent.length) };
  }

  /** Number of column groups of the u-Hessian's differences (|u| when dense). */
  get hessianGroups(): number {
    return this.problem.coloring.groups.length;
  }

  /**
   * Whether the sparsity pattern still holds at this solution: the sparse precision against a dense
   * one (2|u| more gradients). A pattern read at one point could miss an entry that vanished there by
   * coincidence (a symmetric design at the start); the estimate is where it must be right.
   */
  patternHolds(phi: Float64Array, inner: InnerSolution): boolean {
    if (this.problem.coloring.groups.length === this.split.latent.length) return true;
    const dense = precisionAt(this.problem, phi, inner.u, inner.precision, denseColoring(this.split.latent.length));
    this.gradientEvaluations += 1 + 2 * this.split.latent.length;
    return relativeDifference(dense, inner.precision) < 1e-6;
  }

  /** Back to dense differences for good (after patternHolds failed). */
  useDense(): void {
    this.problem.coloring = denseColoring(this.split.latent.length);
    this.patternKnown = true;
  }

  /** Where the next inner solve starts when no better start is known. */
  seed(u: Float64Array): void {
    this.latest = { u };
  }

  /** L at phi, the inner solve warm-started from `start` (default: the latest solution). */
  at(phi: Float64Array, start?: WarmStart): MarginalPoint {
    const from = start ?? this.latest ?? { u: new Float64Array(this.split.latent.length) };
    const inner = solveInner(this.problem, phi, from);
    this.evaluations++;
    this.gradientEvaluations += inner.gradientEvaluations;
    this.newtonSteps += inner.newtonSteps;
    if (!inner.converged) this.innerFailures++;
    const value = inner.value + this.logTwoPiTerm - 0.5 * inner.logDet;
    if (Number.isFinite(value)) {
      this.latest = inner;
      if (!this.patternKnown && inner.converged) {
        this.problem.coloring = coloringOf(inner.precision);
        this.patternKnown = true;
      }
    }
    return { value: Number.isFinite(value) ? value : -Infinity, inner };
  }

  /** Outer step scales: conditional sds of phi given u-hat, from 2|phi| gradients (capped at 1). */
  scales(phi: Float64Array, u: Float64Array): Float64Array {
    const h = 1e-5;
    const centre = assemble(this.split, phi, u);
    const points = this.split.outer.flatMap((i) => [h, -h].map((s) => {
      const p = Float64Array.from(centre);
      p[i] += s;
      return p;
    }));
    const out = this.ld.valueAndGradBatch(points);
    this.gradientEvaluations += points.length;
    return Float64Array.from(this.split.outer, (i, k) => {
      const curvature = -(out[2 * k].grad[i] - out[2 * k + 1].grad[i]) / (2 * h);
      return curvature > 1 ? 1 / Math.sqrt(curvature) : 1;
    });
  }

  /** L and its central-difference gradient at phi (1 + 2|phi| evaluations of L). */
  valueAndGrad(phi: Float64Array): { value: number; grad: Float64Array; point: MarginalPoint; scale: Float64Array } {
    const point = this.at(phi);
    const p = phi.length;
    const grad = new Float64Array(p);
    const scale = this.scales(phi, point.inner.u);
    if (!Number.isFinite(point.value)) return { value: -Infinity, grad, point, scale };
    const start = point.inner;
    for (let i = 0; i < p; i++) {
      const k = GRAD_STEP * scale[i];
      const plus = this.at(shifted(phi, i, k), start).value;
      const minus = this.at(shifted(phi, i, -k), start).value;
      grad[i] = (plus - minus) / (2 * k);
    }
    this.latest = start;
    return { value: point.value, grad, point, scale };
  }

  /**
   * The Hessian of L at phi by second differences: (L(++) - L(+-) - L(-+) + L(--)) / 4 k_i k_j off
   * the diagonal, (L(+) - 2 L + L(-)) / k_i^2 on it; 1 + 2p + 2p(p - 1) evaluations of L.
   */
  hessian(phi: Float64Array, centre: MarginalPoint, scale: Float64Array): Float64Array[] {
    const p = phi.length;
    const k = scale.map((s) => HESS_STEP * s);
    const start = centre.inner;
    const L = (shifts: [number, number][]): number => {
      const x = Float64Array.from(phi);
      for (const [i, d] of shifts) x[i] += d;
      return this.at(x, start).value;
    };
    const H = Array.from({ length: p }, () => new Float64Array(p));
    for (let i = 0; i < p; i++) {
      H[i][i] = (L([[i, k[i]]]) - 2 * centre.value + L([[i, -k[i]]])) / (k[i] * k[i]);
      for (let j = 0; j < i; j++) {
        const v = L([[i, k[i]], [j, k[j]]]) - L([[i, k[i]], [j, -k[j]]]) - L([[i, -k[i]], [j, k[j]]]) + L([[i, -k[i]], [j, -k[j]]]);
        H[i][j] = H[j][i] = v / (4 * k[i] * k[j]);
      }
    }
    this.latest = start;
    return H;
  }
}

function shifted(x: Float64Array, i: number, d: number): Float64Array {
  const y = Float64Array.from(x);
  y[i] += d;
  return y;
}
