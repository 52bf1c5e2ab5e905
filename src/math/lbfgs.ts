/**
 * Limited-memory BFGS (Nocedal & Wright 2006, "Numerical Optimization", 2nd ed., Alg. 7.4 and 7.5) with a
 * strong-Wolfe line search (Alg. 3.5 and 3.6, cubic interpolation). Float64, minimizes.
 *
 * Written for log densities evaluated in float32 on a device: values and gradients may be noisy, and a
 * trial point may overflow to Infinity or NaN. So a non-finite trial point means "too far" and the step
 * shrinks; and when the line search cannot make progress the best point so far is returned with reason
 * 'line-search-failed' instead of throwing: whether that is good enough is the caller's call.
 */

/** The function to minimize: its value and gradient at x. */
export interface Objective {
  (x: Float64Array): { value: number; grad: Float64Array };
}

export interface LbfgsOptions {
  /** Default 1000. */
  maxIterations?: number;
  /** Stop when the inf-norm of the gradient is at most this. Default 1e-8. */
  gradTol?: number;
  /** Stop when |f_prev - f| <= relTol * max(|f_prev|, |f|) over an iteration. Default 1e-12. */
  relTol?: number;
  /** Number of (s, y) pairs kept. Default 10. */
  history?: number;
  /** Asked at each accepted point (x and its value): true ends the search there, reason 'stopped'. */
  stop?: (x: Float64Array, value: number) => boolean;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  grad: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'gradient' | 'relative-change' | 'max-iterations' | 'line-search-failed' | 'stopped';
  /** Inf-norm of the gradient at x: with `converged` false, how far from stationary the answer is. */
  gradNorm: number;
}

// Sufficient decrease and curvature constants of the strong Wolfe conditions (the usual quasi-Newton values).
const C1 = 1e-4;
const C2 = 0.9;
const MAX_BRACKET_STEPS = 25;
const MAX_ZOOM_STEPS = 30;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** A point where the objective was evaluated; `finite` is false when the value or gradient overflowed. */
interface Point {
  x: Float64Array;
  value: number;
  grad: Float64Array;
  finite: boolean;
}

/** Calls f and copies the gradient, so a caller that reuses its output buffer cannot corrupt our history. */
function evaluate(f: Objective, x: Float64Array): Point {
  const out = f(x);
  const grad = Float64Array.from(out.grad);
  return { x, value: out.value, grad, finite: Number.isFinite(out.value) && allFinite(grad) };
}

/** The (s, y) pairs of the last `size` iterations and the two-loop recursion over them (Alg. 7.4). */
class History {
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.s.length;
  }

  clear(): void {
    this.s.length = 0;
    this.y.length = 0;
    this.rho.length = 0;
  }

  /**
   * Keeps the pair only if s'y > eps * y'y: the update needs positive curvature, and a tiny s'y (noise, or
   * a step that did not satisfy the curvature condition) would make rho = 1/s'y blow up the inverse Hessian.
   */
  push(s: Float64Array, y: Float64Array): void {
    const sy = dot(s, y);
    const yy = dot(y, y);
    if (!(sy > Number.EPSILON * yy) || !Number.isFinite(sy) || !Number.isFinite(yy)) return;
    if (this.s.length === this.capacity) {
      this.s.shift();
      this.y.shift();
      this.rho.shift();
    }
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / sy);
  }

  /** -H g, with the initial inverse Hessian gamma I, gamma = s'y / y'y of the newest pair (eq. 7.20). */
  direction(grad: Float64Array): Float64Array {
    const q = Float64Array.from(grad);
    const k = this.s.length;
    const alpha = new Array<number>(k);
    for (let i = k - 1; i >= 0; i--) {
      alpha[i] = this.rho[i] * dot(this.s[i], q);
      for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * this.y[i][j];
    }
    const gamma = k > 0 ? 1 / (this.rho[k - 1] * dot(this.y[k - 1], this.y[k - 1])) : 1;
    for (let j = 0; j < q.length; j++) q[j] *= gamma;
    for (let i = 0; i < k; i++) {
      const beta = this.rho[i] * dot(this.y[i], q);
      for (let j = 0; j < q.length; j++) q[j] += this.s[i][j] * (alpha[i] - beta);
    }
    for (let j = 0; j < q.length; j++) q[j] = -q[j];
    return q;
  }
}

/** A trial step along the search direction: alpha, phi(alpha) = f(x + alpha d) and phi'(alpha) = g'd. */
interface Trial {
  alpha: number;
  point: Point;
  slope: number;
}

/**
 * Minimizer of the cubic matching phi and phi' at a and b (N&W eq. 3.59); NaN when the cubic has no
 * minimizer (the caller then bisects).
 */
function cubicMinimizer(a: Trial, b: Trial): number {
  const d1 = a.slope + b.slope - (3 * (a.point.value - b.point.value)) / (a.alpha - b.alpha);
  const disc = d1 * d1 - a.slope * b.slope;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(disc);
  return b.alpha - ((b.alpha - a.alpha) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
}

interface LineSearchOutcome {
  /** A strong-Wolfe point, or failing that the lowest point that satisfied sufficient decrease. */
  accepted: Trial | null;
  /** The lowest finite point seen, whether or not it satisfied sufficient decrease. */
  lowest: Trial | null;
  evaluations: number;
}

class LineSearch {
  evaluations = 0;
  lowest: Trial | null = null;

  constructor(
    private readonly f: Objective,
    private readonly start: Trial,
    private readonly direction: Float64Array,
  ) {}

  trial(alpha: number): Trial {
    const x0 = this.start.point.x;
    const x = new Float64Array(x0.length);
    for (let i = 0; i < x.length; i++) x[i] = x0[i] + alpha * this.direction[i];
    const point = evaluate(this.f, x);
    this.evaluations++;
    const t = { alpha, point, slope: point.finite ? dot(point.grad, this.direction) : NaN };
    if (point.finite && point.value < (this.lowest?.point.value ?? this.start.point.value)) this.lowest = t;
    return t;
  }

  sufficientDecrease(t: Trial): boolean {
    return t.point.value <= this.start.point.value + C1 * t.alpha * this.start.slope;
  }

  curvature(t: Trial): boolean {
    return Math.abs(t.slope) <= -C2 * this.start.slope;
  }

  outcome(accepted: Trial | null): LineSearchOutcome {
    return { accepted, lowest: this.lowest, evaluations: this.evaluations };
  }

  /** Alg. 3.5: grow the step until an interval is known to contain a strong-Wolfe point. */
  run(alpha0: number): LineSearchOutcome {
    let prev = this.start;
    let alpha = alpha0;
    for (let i = 0; i < MAX_BRACKET_STEPS; i++) {
      const cur = this.trial(alpha);
      // An overflowed point is beyond the region where f is defined: the answer lies before it.
      if (!cur.point.finite) return this.zoom(prev, cur);
      if (!this.sufficientDecrease(cur) || (i > 0 && cur.point.value >= prev.point.value)) return this.zoom(prev, cur);
      if (this.curvature(cur)) return this.outcome(cur);
      if (cur.slope >= 0) return this.zoom(cur, prev);
      // Still descending steeply: extrapolate (cubic, kept within [1.1, 4] times the last increment).
      const width = cur.alpha - prev.alpha;
      const guess = cubicMinimizer(prev, cur);
      const lo = cur.alpha + 1.1 * width;
      const hi = cur.alpha + 4 * width;
      alpha = Number.isFinite(guess) ? Math.min(Math.max(guess, lo), hi) : hi;
      prev = cur;
    }
    return this.outcome(prev === this.start ? null : prev);
  }

  /**
   * Alg. 3.6. Invariants: lo satisfies sufficient decrease and has the lowest value seen in the bracket; the
   * interval between lo and hi contains a strong-Wolfe point. A non-finite hi has no value to interpolate,
   * so the step bisects towards lo.
   */
  zoom(lo: Trial, hi: Trial): LineSearchOutcome {
    const scale = infNorm(this.direction);
    const xScale = 1 + infNorm(this.start.point.x);
    for (let j = 0; j < MAX_ZOOM_STEPS; j++) {
      const width = hi.alpha - lo.alpha;
      // Below float64 resolution of x the two ends are the same point: no further progress is possible.
      if (Math.abs(width) * scale <= Number.EPSILON * xScale) break;
      let alpha = hi.point.finite ? cubicMinimizer(lo, hi) : NaN;
      const t = Number.isFinite(alpha) ? (alpha - lo.alpha) / width : 0.5;
      // Safeguard: stay inside the central 80% of the interval so that it shrinks geometrically.
      alpha = lo.alpha + Math.min(Math.max(t, 0.1), 0.9) * width;
      const cur = this.trial(alpha);
      if (!cur.point.finite || !this.sufficientDecrease(cur) || cur.point.value >= lo.point.value) {
        hi = cur;
        continue;
      }
      if (this.curvature(cur)) return this.outcome(cur);
      if (cur.slope * width >= 0) hi = lo;
      lo = cur;
    }
    return this.outcome(lo === this.start ? null : lo);
  }
}

function relativeChange(prev: number, cur: number): number {
  const denom = Math.max(Math.abs(prev), Math.abs(cur));
  return denom === 0 ? 0 : Math.abs(prev - cur) / denom;
}

/** One line search along -H g; on failure with curvature pairs in memory, retry once along -g. */
function step(f: Objective, current: Point, memory: History): LineSearchOutcome & { evaluationsTotal: number } {
  let evaluationsTotal = 0;
  for (;;) {
    let direction = memory.direction(current.grad);
    let slope = dot(current.grad, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding in stale pairs): fall back to steepest descent.
      memory.clear();
      direction = memory.direction(current.grad);
      slope = dot(current.grad, direction);
    }
    // Without curvature information the scale of -g is arbitrary: cap the first step at 1 in the inf-norm,
    // so that e.g. exp(theta) is not evaluated 1e4 units away on the first trial.
    const alpha0 = memory.size === 0 ? Math.min(1, 1 / infNorm(direction)) : 1;
    const search = new LineSearch(f, { alpha: 0, point: current, slope }, direction);
    const out = search.run(alpha0);
    evaluationsTotal += out.evaluations;
    if (out.accepted !== null || memory.size === 0) return { ...out, evaluationsTotal };
    memory.clear();
  }
}

/** Minimizes f from x0 with L-BFGS; see LbfgsOptions for the stopping rules and defaults. */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const maxIterations = options.maxIterations ?? 1000;
  const gradTol = options.gradTol ?? 1e-8;
  const relTol = options.relTol ?? 1e-12;
  const memory = new History(Math.max(1, options.history ?? 10));

  let current = evaluate(f, Float64Array.from(x0));
  let evaluations = 1;
  if (!current.finite) {
    throw new RangeError(`lbfgs: the objective is not finite at the starting point (value ${current.value})`);
  }
  const result = (iterations: number, reason: LbfgsResult['reason'], converged: boolean): LbfgsResult => ({
    x: current.x,
    value: current.value,
    grad: current.grad,
    iterations,
    evaluations,
    converged,
    reason,
    gradNorm: infNorm(current.grad),
  });

  for (let iteration = 0; ; iteration++) {
    if (infNorm(current.grad) <= gradTol) return result(iteration, 'gradient', true);
    if (iteration >= maxIterations) return result(iteration, 'max-iterations', false);
    const out = step(f, current, memory);
    evaluations += out.evaluationsTotal;
    if (out.accepted === null) {
      if (out.lowest !== null) current = out.lowest.point;
      return result(iteration, 'line-search-failed', false);
    }
    const next = out.accepted.point;
    const s = new Float64Array(next.x.length);
    const y = new Float64Array(next.x.length);
    for (let i = 0; i < s.length; i++) {
      s[i] = next.x[i] - current.x[i];
      y[i] = next.grad[i] - current.grad[i];
    }
    memory.push(s, y);
    const previousValue = current.value;
    current = next;
    if (options.stop?.(current.x, current.value)) return result(iteration + 1, 'stopped', false);
    if (relativeChange(previousValue, current.value) <= relTol) {
      return result(iteration + 1, 'relative-change', true);
    }
  }
}

/**
 * L-BFGS with an Armijo backtracking line search (Nocedal & Wright 2006, Alg. 3.1) for objectives whose
 * value is much cheaper than their gradient (a Laplace marginal: one factorisation for the value, a
 * selected inverse and differences for the gradient): trial points need only values, and the gradient is
 * taken once per accepted step. Pairs (s, y) without positive curvature are skipped by the history.
 */
export function lbfgsBacktracking(
  value: (x: Float64Array) => number,
  gradient: (x: Float64Array) => Float64Array,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const maxIterations = options.maxIterations ?? 1000;
  const gradTol = options.gradTol ?? 1e-8;
  const relTol = options.relTol ?? 1e-12;
  const memory = new History(Math.max(1, options.history ?? 10));
  let x = Float64Array.from(x0);
  let f = value(x);
  if (!Number.isFinite(f)) throw new RangeError(`lbfgs: the objective is not finite at the starting point (value ${f})`);
  let g = Float64Array.from(gradient(x));
  let evaluations = 1;
  const result = (iterations: number, reason: LbfgsResult['reason'], converged: boolean): LbfgsResult =>
    ({ x, value: f, grad: g, iterations, evaluations, converged, reason, gradNorm: infNorm(g) });
  for (let iteration = 0; ; iteration++) {
    if (infNorm(g) <= gradTol) return result(iteration, 'gradient', true);
    if (iteration >= maxIterations) return result(iteration, 'max-iterations', false);
    let d = memory.direction(g);
    let slope = dot(d, g);
    if (!(slope < 0)) {
      memory.clear();
      d = g.map((v) => -v);
      slope = dot(d, g);
    }
    // The first step of a fresh history is capped at 1 in the inf-norm (see `step` above).
    let t = memory.size === 0 ? Math.min(1, 1 / infNorm(d)) : 1;
    let accepted = false;
    // A decrease below f's rounding (1e-13 of |f|) cannot be told from noise: near the optimum of a sum
    // over 70,000 rows the search would otherwise halve t dozens of times, an evaluation each.
    const floor = 1e-13 * (1 + Math.abs(f));
    for (let tries = 0; tries < 40; tries++) {
      if (-t * slope < floor) return result(iteration, 'relative-change', true);
      const xt = x.map((v, i) => v + t * d[i]);
      const ft = value(xt);
      evaluations++;
      if (Number.isFinite(ft) && ft <= f + C1 * t * slope) {
        const gt = Float64Array.from(gradient(xt));
        memory.push(xt.map((v, i) => v - x[i]), gt.map((v, i) => v - g[i]));
        const previous = f;
        x = xt;
        f = ft;
        g = gt;
        accepted = true;
        if (options.stop?.(x, f)) return result(iteration + 1, 'stopped', false);
        if (relativeChange(previous, f) <= relTol) return result(iteration + 1, 'relative-change', true);
        break;
      }
      t /= ft > f && Number.isFinite(ft) ? 10 : 2;
    }
    if (!accepted) return result(iteration, 'line-search-failed', false);
  }
}
