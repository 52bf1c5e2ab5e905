import type { CholeskyFactor } from '../../math/sparse/index.js';
import { assemble, pick, type Field } from './field.js';
import { solveInner, type InnerFailure, type InnerSolution } from './inner.js';

/**
 * The Laplace approximation of the field's integral at phi (Tierney & Kadane 1986; lme4's nAGQ = 1, TMB,
 * INLA's pi-tilde(theta | y)):
 *   L(phi) = f(phi, x-hat) + |x|/2 log(2 pi) - 1/2 log det H(phi, x-hat),   H = -d2f/dx2,
 * and its exact gradient by implicit differentiation (Kristensen et al. 2016, sec. 2.2; Margossian et al.
 * 2020): with v_j = dx-hat/dphi_j = H^-1 d(grad_x f)/dphi_j,
 *   dL/dphi_j = df/dphi_j + grad_x f . v_j - 1/2 tr(H^-1 dH/dphi_j),
 * where dH/dphi_j is the total derivative along (e_j, v_j) (it carries the third derivatives of the
 * likelihood through x-hat's motion) and tr(H^-1 dH) needs H^-1 only on H's pattern (the selected inverse).
 * The mixed derivatives are central differences of exact gradients in steps of 1e-5 of phi_j's scale. The
 * traces come from d log det H / d theta in one pass where the compiler's structure gives it (each row's
 * dw/dz times its leverage a' H^-1 a), else from central differences of the exact Hessian.
 */
export interface MarginalPoint {
  readonly value: number;
  readonly inner: InnerSolution;
}

const STEP = 1e-5;
/** A pivot below this fraction of its diagonal entry: H is singular to double precision (13 digits lost). */
const SINGULAR = 1e-13;

export class LaplaceMarginal {
  evaluations = 0;
  /** Called after every evaluation of L (a progress line): how many so far, and the best value seen. */
  onEvaluate?: (evaluations: number, best: number) => void;
  private best = -Infinity;
  gradientEvaluations = 0;
  /** Takes the trace terms by differences of the Hessian even where the one-pass derivative exists (tests compare the two). */
  differencedTraces = false;
  /** Takes d(grad_x f)/dphi by differences of gradients even where the cross block or the scores' slopes give it (tests compare the two). */
  differencedCross = false;
  innerSteps = 0;
  private latest: Float64Array;
  private readonly halfLogTwoPi: number;
  /** 2 for an off-diagonal slot of the lower triangle (it stands for two entries of H), 1 on the diagonal. */
  private readonly slotWeight: Float64Array;

  constructor(readonly field: Field, x0: Float64Array) {
    this.latest = Float64Array.from(x0);
    this.halfLogTwoPi = 0.5 * field.x.length * Math.log(2 * Math.PI);
    const { colPtr, rowIdx } = field.hessian.pattern;
    this.slotWeight = new Float64Array(rowIdx.length).fill(2);
    for (let j = 0; j < field.x.length; j++) this.slotWeight[colPtr[j]] = 1;
  }

  /** L at phi, the inner solve started from `start` (default: the latest finite solution). */
  at(phi: Float64Array, start?: Float64Array): MarginalPoint | InnerFailure {
    const inner = solveInner(this.field, phi, start ?? this.latest);
    this.evaluations++;
    this.innerSteps += inner.steps;
    if ('failure' in inner) return inner;
    // H singular to double precision (a scale so large that a flat-prior fixed effect and its random
    // effects are confounded to 1e-13): log det H is rounding noise there, and an optimizer would climb it.
    if (inner.factor.minPivotRatio < SINGULAR) return { failure: 'not-positive-definite', steps: inner.steps };
    const value = inner.value + this.halfLogTwoPi - 0.5 * inner.factor.logDet;
    if (!Number.isFinite(value)) return { failure: 'not-finite', steps: inner.steps };
    this.latest = inner.x;
    if (value > this.best) this.best = value;
    this.onEvaluate?.(this.evaluations, this.best);
    return { value, inner };
  }

  /** Restarts the warm starts from x. */
  reset(x: Float64Array): void {
    this.latest = Float64Array.from(x);
  }

  /**
   * dx-hat/dphi_j for every j (the tangents of the conditional mode): H^-1 d(grad_x f)/dphi_j by central
   * differences of exact gradients, in steps of 1e-5 of phi_j's scale.
   */
  tangents(point: MarginalPoint, scale: Float64Array): Float64Array[] {
    const { field } = this;
    const { inner } = point;
    const points = field.outer.flatMap((c, j) => [1, -1].map((sign) => {
      const t = Float64Array.from(inner.theta);
      t[c] += sign * STEP * scale[j];
      return t;
    }));
    const out = field.ld.valueAndGradBatch(points);
    this.gradientEvaluations += points.length;
    return field.outer.map((_, j) => inner.factor.solve(Float64Array.from(field.x, (c) => (out[2 * j].grad[c] - out[2 * j + 1].grad[c]) / (2 * STEP * scale[j]))));
  }

  /** dL/dphi at a point, `scale[j]` setting phi_j's difference step. */
  gradient(point: MarginalPoint, scale: Float64Array): Float64Array {
    const { field } = this;
    const { inner } = point;
    const p = field.outer.length;
    const grad = new Float64Array(p);
    if (p === 0) return grad;
    // With H constant in x (a Gaussian response), a fixed effect outside the field moves H no more than x
    // does: its trace term is 0, and the selected inverse is needed only for the other coordinates.
    const linear = new Set(field.ld.linear ?? []);
    const flat = field.outer.map((c) => field.hessian.constantInX === true && linear.has(c));
    const Z = flat.every(Boolean) ? new Float64Array(0) : inner.factor.selectedInverse();
    const gx = pick(inner.grad, field.x);
    const h = Float64Array.from(scale, (s) => STEP * s);
    const shifted = (j: number, sign: number, v?: Float64Array): Float64Array => {
      const t = Float64Array.from(inner.theta);
      t[field.outer[j]] += sign * h[j];
      if (v) field.x.forEach((c, k) => (t[c] += sign * h[j] * v[k]));
      return t;
    };
    // d(grad_x f)/dphi_j: from the cross block of the Hessian for the fixed effects outside the field,
    // by central differences of exact gradients for the rest.
    const cross = field.cross && !this.differencedCross ? crossColumns(field, inner.theta) : undefined;
    // The scales' and dispersions' columns in closed form where every term they enter has its score's
    // slope (curvature.ts), each without two gradients of the whole density.
    const rest = Array.from({ length: p }, (_, j) => j).filter((j) => !cross?.has(j));
    const closed = this.differencedCross ? undefined : field.hessian.mixedColumns?.(inner.theta, rest.map((j) => field.outer[j]));
    const differenced = rest.filter((j) => !closed?.has(field.outer[j]));
    const points: Float64Array[] = [];
    for (const j of differenced) points.push(shifted(j, 1), shifted(j, -1));
    const results = field.ld.valueAndGradBatch(points);
    this.gradientEvaluations += points.length;
    const mixed = new Map<number, Float64Array>(cross ?? []);
    for (const j of rest) if (closed?.has(field.outer[j])) mixed.set(j, closed.get(field.outer[j])!);
    differenced.forEach((j, q) => {
      const plus = results[2 * q].grad;
      const minus = results[2 * q + 1].grad;
      mixed.set(j, Float64Array.from(field.x, (c) => (plus[c] - minus[c]) / (2 * h[j])));
    });
    // d log det H / d theta in one pass, where the structure gives it: each trace term is then its
    // total derivative along (e_j, v_j), instead of two Hessians per coordinate.
    const G = Z.length > 0 && !this.differencedTraces ? field.hessian.thetaLogDetGradient?.(inner.theta, Z) : undefined;
    // With v_j = H^-1 m_j (m_j the mixed column), gx . v_j and G_x . v_j are (H^-1 gx) . m_j and
    // (H^-1 G_x) . m_j (H is symmetric): two solves for all the coordinates, not one each. v_j itself is
    // solved for only where the trace is differenced along it, and for the Hessian's shifted starts
    // (tangentsAt) when asked.
    const drift = inner.factor.solve(gx);
    const along = G ? inner.factor.solve(Float64Array.from(field.x, (c) => G[c])) : undefined;
    for (let j = 0; j < p; j++) {
      const m = mixed.get(j)!;
      let trace = 0;
      if (!flat[j] && G) {
        trace = totalTrace(G, along!, m, field.outer[j]);
      } else if (!flat[j]) {
        const v = inner.factor.solve(m);
        const hp = field.hessian.values(shifted(j, 1, v));
        const hm = field.hessian.values(shifted(j, -1, v));
        for (let k = 0; k < Z.length; k++) trace += this.slotWeight[k] * Z[k] * (hp[k] - hm[k]);
        trace /= 2 * h[j];
      }
      let slope = 0;
      for (let k = 0; k < m.length; k++) slope += drift[k] * m[k];
      grad[j] = inner.grad[field.outer[j]] + slope - 0.5 * trace;
    }
    this.lastMixed = { point, columns: Array.from({ length: p }, (_, j) => mixed.get(j)!) };
    return grad;
  }

  private lastMixed?: { readonly point: MarginalPoint; readonly columns: readonly Float64Array[] };

  /**
   * dx-hat/dphi_j for every j at `point`, from the mixed columns the last gradient there found (undefined
   * if the last gradient was taken elsewhere): an inner solve at phi + d e_j started at x-hat + d dx-hat/dphi_j
   * is one Newton step from its answer (the error is d^2), where one started at x-hat is two or three.
   */
  tangentsAt(point: MarginalPoint): readonly Float64Array[] | undefined {
    const last = this.lastMixed;
    return last && last.point === point ? last.columns.map((m) => point.inner.factor.solve(m)) : undefined;
  }

  /**
   * -d2F/dphi2 on the fixed effects the cross block covers, F(phi) = f(phi, x-hat(phi)) the profile of f
   * over x: the Schur complement of x in the joint negative Hessian, K_bb - K_bx H^-1 K_xb, exact and in
   * one pass (implicit differentiation: d2F = f_bb + f_bx dx-hat/db). It is L's curvature but for the
   * log-determinant's, which is of the order of the number of random effects against the data's: the
   * metric that makes the fixed effects' search well conditioned (they are correlated through the random
   * effects they share, which scaling each by its own sd does not undo). Undefined without a cross block.
   */
  profileCurvature(point: MarginalPoint): { readonly coords: readonly number[]; readonly matrix: Float64Array[] } | undefined {
    const { field } = this;
    const cross = field.cross;
    if (!cross) return undefined;
    const nx = field.x.length;
    const values = cross.hessian.values(point.inner.theta);
    const { colPtr, rowIdx } = cross.hessian.pattern;
    const q = cross.outer.length;
    const matrix = Array.from({ length: q }, () => new Float64Array(q));
    for (let e = 0; e < q; e++) {
      for (let k = colPtr[nx + e]; k < colPtr[nx + e + 1]; k++) {
        const r = rowIdx[k] - nx;
        matrix[r][e] = matrix[e][r] = values[k];
      }
    }
    const columns = Array.from({ length: q }, () => new Float64Array(nx));
    for (let s = 0; s < cross.slots.length; s++) columns[cross.effects[s]][cross.xRows[s]] = values[cross.slots[s]];
    const solved = columns.map((c) => point.inner.factor.solve(c));
    for (let a = 0; a < q; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let k = 0; k < nx; k++) s += columns[a][k] * solved[b][k];
        matrix[a][b] -= s;
        if (a !== b) matrix[b][a] = matrix[a][b];
      }
    }
    return { coords: cross.outer, matrix };
  }

  /** dx-hat/dphi_j = H^-1 d(grad_x f)/dphi_j for the fixed effects the cross block covers (in its order), at a point. */
  tangentsOfCross(point: MarginalPoint): Float64Array[] {
    const columns = crossColumns(this.field, point.inner.theta);
    return this.field.cross!.outer.map((j) => point.inner.factor.solve(columns.get(j)!));
  }

  /**
   * The log-determinant's part of L's Hessian over the fixed effects the cross block covers (in its
   * order), -1/2 d2 log det H along (e_j, v_j) with x-hat's second-order move, at x-hat, in closed form
   * (LatentHessian.logDetHessian): with profileCurvature, L's Hessian over them in one pass. Undefined
   * where the structure does not give it (outer_hessian.ts then differences logDetSlopes).
   */
  logDetHessianOfCross(point: MarginalPoint): Float64Array[] | undefined {
    const { field } = this;
    const cross = field.cross;
    if (!cross || this.differencedTraces || this.differencedCross || !field.hessian.logDetHessian) return undefined;
    const q = cross.outer.length;
    if (field.hessian.constantInX === true) return Array.from({ length: q }, () => new Float64Array(q));
    const { factor, theta } = point.inner;
    if (factor.minPivotRatio < SINGULAR) return undefined;
    const tangents = this.tangentsOfCross(point);
    const directions = cross.outer.map((j, a) => {
      const d = new Float64Array(theta.length);
      d[field.outer[j]] = 1;
      field.x.forEach((c, k) => (d[c] = tangents[a][k]));
      return d;
    });
    const D = field.hessian.logDetHessian(theta, factor.selectedInverse(), (b) => factor.solve(b), directions);
    return D?.map((row) => row.map((v) => -0.5 * v));
  }

  /**
   * The log-determinant's part of dL/dphi_j, -1/2 d log det H / dphi_j along (e_j, v_j), for the fixed
   * effects the cross block covers (in its order), at any theta: x need not be x-hat(phi). With
   * profileCurvature this splits L's Hessian over them into an exact part and a small one that can be
   * differenced without an inner solve (outer_hessian.ts, profiledColumns). `factorAt`: H's factor at
   * theta where it is known (x-hat's, whose selected inverse the gradient has already taken). Undefined
   * where the one-pass trace is missing, H is not positive definite at theta, or a slope is not finite.
   */
  logDetSlopes(theta: Float64Array, factorAt?: CholeskyFactor): Float64Array | undefined {
    const { field } = this;
    const cross = field.cross;
    if (!cross || this.differencedTraces || this.differencedCross) return undefined;
    // H constant in x (a Gaussian response) is constant in the fixed effects too: no log-determinant part.
    if (field.hessian.constantInX === true) return new Float64Array(cross.outer.length);
    const factor = factorAt ?? field.symbolic.factor(field.hessian.values(theta));
    // Singular to double precision (at() refuses such a point too): its log-determinant is noise.
    if ('notPositiveDefinite' in factor || factor.minPivotRatio < SINGULAR) return undefined;
    const G = field.hessian.thetaLogDetGradient?.(theta, factor.selectedInverse());
    if (!G) return undefined;
    const along = factor.solve(Float64Array.from(field.x, (c) => G[c]));
    const columns = crossColumns(field, theta);
    const slopes = Float64Array.from(cross.outer, (j) => {
      return -0.5 * totalTrace(G, along, columns.get(j)!, field.outer[j]);
    });
    return slopes.every(Number.isFinite) ? slopes : undefined;
  }

  /**
   * The conditional sds of phi given x: the outer coordinates' natural step. Capped at 1 for the
   * hyperparameters (log scales, correlations: a step of 1 is already a factor of e), not for a fixed
   * effect, whose sd is in the units of its covariate: a slope on a covariate of 1e-6 has an sd near 1e5,
   * and a cap at 1 left it 1e-10 as curved as the rest, read as flat (no SE) and stopped as unbounded.
   */
  scales(theta: Float64Array): Float64Array {
    const linear = new Set(this.field.ld.linear ?? []);
    const exact = this.crossDiagonal(theta);
    return Float64Array.from(this.field.outer, (c, j) => {
      const curvature = exact.get(j);
      if (curvature !== undefined && curvature > 0 && Number.isFinite(curvature)) return 1 / Math.sqrt(curvature);
      return this.scaleOf(theta, c, linear.has(c) ? Infinity : 1);
    });
  }

  /**
   * -d2f/dphi_j2 for the fixed effects the cross block covers, from its diagonal: exact and one pass,
   * where differencing takes two gradients or more per fixed effect (20 cell groups per gene).
   */
  private crossDiagonal(theta: Float64Array): Map<number, number> {
    const cross = this.field.cross;
    if (!cross) return new Map();
    const values = cross.hessian.values(theta);
    const { colPtr } = cross.hessian.pattern;
    const nx = this.field.x.length;
    return new Map(cross.outer.map((j, e) => [j, values[colPtr[nx + e]]]));
  }

  /**
   * -d2f/dphi_c2 by central differences, with a step matched to the answer: a coefficient of a covariate
   * measured in millions has a scale of 1e-7, and a first step of 1e-4 overflows exp(eta); the step then
   * shrinks by 1e3 until the curvature is finite, and is set to 1e-4 of the scale found.
   */
  private scaleOf(theta: Float64Array, c: number, cap: number): number {
    const curvatureAt = (h: number): number => {
      const [plus, minus] = [h, -h].map((d) => {
        const t = Float64Array.from(theta);
        t[c] += d;
        return t;
      });
      const [gp, gm] = this.field.ld.valueAndGradBatch([plus, minus]);
      this.gradientEvaluations += 2;
      return -(gp.grad[c] - gm.grad[c]) / (2 * h);
    };
    // Fixed-point iteration on the step: a step far outside the quadratic region overstates the
    // curvature of exp(eta), the next step is then smaller, until the step is 1e-4 of the scale it gives.
    let h = 1e-4;
    const floor = 1e-15 * Math.max(1, Math.abs(theta[c]));
    for (let iteration = 0; iteration < 12 && h > floor; iteration++) {
      const curvature = curvatureAt(h);
      if (!Number.isFinite(curvature)) {
        h *= 1e-3;
        continue;
      }
      if (!(curvature > 0)) return 1;
      const s = 1 / Math.sqrt(curvature);
      if (h <= 1e-3 * s && h >= 1e-6 * s) return Math.min(cap, s);
      // At most 1e3 smaller at a time: a step deep in the nonlinear region overstates the curvature by orders.
      h = Math.max(1e-4 * s, 1e-3 * h, floor);
    }
    return 1;
  }
}

/**
 * d log det H / dphi_j along (e_j, v_j): G's own entry for theta coordinate c plus G_x . v_j, taken as
 * (H^-1 G_x) . m_j (`along` = H^-1 G_x, m_j the mixed column).
 */
function totalTrace(G: Float64Array, along: Float64Array, m: Float64Array, c: number): number {
  let trace = G[c];
  for (let k = 0; k < m.length; k++) trace += along[k] * m[k];
  return trace;
}

/** d(grad_x f)/dphi_j = -H(x, phi_j) for the fixed effects the cross block covers, by their position in phi. */
function crossColumns(field: Field, theta: Float64Array): Map<number, Float64Array> {
  const cross = field.cross!;
  const values = cross.hessian.values(theta);
  const columns = cross.outer.map(() => new Float64Array(field.x.length));
  for (let q = 0; q < cross.slots.length; q++) columns[cross.effects[q]][cross.xRows[q]] -= values[cross.slots[q]];
  return new Map(cross.outer.map((j, e) => [j, columns[e]]));
}

export { assemble };
