import { describe, expect, it } from 'vitest';
import { lbfgs, lbfgsBacktracking, type Objective } from '../../src/math/lbfgs.js';
import { createRng } from '../../src/core/rng.js';

/** Chained Rosenbrock: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, minimum 0 at all ones. */
const rosenbrock: Objective = (x) => {
  const n = x.length;
  let value = 0;
  const grad = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    value += 100 * a * a + b * b;
    grad[i] += -400 * x[i] * a - 2 * b;
    grad[i + 1] += 200 * a;
  }
  return { value, grad };
};

/** The classic start (-1.2, 1, -1.2, 1, ...) of Moré, Garbow & Hillstrom (1981). */
function classicStart(n: number): Float64Array {
  return new Float64Array(n).map((_, i) => (i % 2 === 0 ? -1.2 : 1));
}

function maxAbsDiff(x: Float64Array, target: ArrayLike<number> | number): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - (typeof target === 'number' ? target : target[i])));
  return m;
}

/** f(x) = 1/2 (x - c)' A (x - c) with A = H diag(a) H, H a seeded Householder reflection (so not separable). */
function rotatedQuadratic(a: Float64Array, c: Float64Array, seed: string): Objective {
  const n = a.length;
  const rng = createRng(seed);
  const v = new Float64Array(n).map(() => rng.normal());
  const vv = v.reduce((s, t) => s + t * t, 0);
  const reflect = (u: Float64Array): Float64Array => {
    const k = (2 * u.reduce((s, t, i) => s + t * v[i], 0)) / vv;
    return u.map((t, i) => t - k * v[i]);
  };
  return (x) => {
    const z = reflect(x.map((t, i) => t - c[i]));
    const az = z.map((t, i) => a[i] * t);
    return { value: 0.5 * z.reduce((s, t, i) => s + t * az[i], 0), grad: reflect(az) };
  };
}

/** Deterministic pseudo-noise in [-1, 1) from the coordinates (the usual fract(sin(.) * 43758.5453) hash). */
function hashNoise(x: Float64Array, salt: number): number {
  let s = salt;
  for (let i = 0; i < x.length; i++) s += x[i] * (12.9898 + 78.233 * i);
  const h = Math.sin(s) * 43758.5453;
  return 2 * (h - Math.floor(h)) - 1;
}

describe('lbfgs', () => {
  it('minimizes 2-D Rosenbrock from (-1.2, 1)', () => {
    const r = lbfgs(rosenbrock, classicStart(2));
    expect(r.converged).toBe(true);
    expect(r.reason).toBe('gradient');
    expect(maxAbsDiff(r.x, 1)).toBeLessThan(1e-6);
    expect(r.evaluations).toBeGreaterThan(r.iterations);
  });

  it('minimizes 10-D Rosenbrock from (-1.2, 1, ..., -1.2, 1)', () => {
    const r = lbfgs(rosenbrock, classicStart(10));
    expect(r.converged).toBe(true);
    expect(maxAbsDiff(r.x, 1)).toBeLessThan(1e-6);
    expect(r.value).toBeLessThan(1e-12);
  });

  it('minimizes a rotated quadratic with condition number 1e6', () => {
    // Eigenvalues log-spaced over 1..1e6 are the hard case for a 10-pair memory: scipy's L-BFGS-B needs
    // 829 iterations on the unrotated version, so allow more than the default 1000.
    const n = 10;
    const a = new Float64Array(n).map((_, i) => 10 ** ((6 * i) / (n - 1)));
    const c = new Float64Array(n).map((_, i) => Math.cos(i));
    const r = lbfgs(rotatedQuadratic(a, c, 'ill-conditioned'), new Float64Array(n), { gradTol: 1e-9, maxIterations: 5000 });
    expect(r.converged).toBe(true);
    // |x - c| <= |grad| / lambda_min = 1e-9 when stopped on the gradient.
    expect(maxAbsDiff(r.x, c)).toBeLessThan(1e-6);
  });

  it.each([
    ['+Infinity', Infinity],
    ['NaN', NaN],
  ])('stays inside the region where f is finite (%s outside)', (_label, outside) => {
    // f = sum (x_i - 3)^2 - log(1 - x_i) on x_i < 1: the unconstrained pull towards 3 makes the first
    // steps overshoot the wall at 1. Stationary point: 2x^2 - 8x + 5 = 0, x = 2 - sqrt(1.5).
    const f: Objective = (x) => {
      let value = 0;
      const grad = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        if (!(x[i] < 1)) return { value: outside, grad: grad.fill(outside) };
        value += (x[i] - 3) ** 2 - Math.log(1 - x[i]);
        grad[i] = 2 * (x[i] - 3) + 1 / (1 - x[i]);
      }
      return { value, grad };
    };
    const r = lbfgs(f, new Float64Array([0, -5, 0.9]));
    expect(r.converged).toBe(true);
    expect(Number.isFinite(r.value)).toBe(true);
    for (const xi of r.x) expect(xi).toBeLessThan(1);
    expect(maxAbsDiff(r.x, 2 - Math.sqrt(1.5))).toBeLessThan(1e-8);
  });

  it('gets within 1e-2 of the minimum of a quadratic with 1e-6 relative noise', () => {
    const a = new Float64Array([1, 3, 10, 30, 100]);
    const c = new Float64Array([0.5, -1, 2, 0, 1.5]);
    const exact = rotatedQuadratic(a, c, 'noisy');
    const noisy: Objective = (x) => {
      const { value, grad } = exact(x);
      const v = 1 + value; // an offset, so the relative noise does not vanish at the minimum
      return {
        value: v * (1 + 1e-6 * hashNoise(x, 0)),
        grad: grad.map((g, i) => g * (1 + 1e-6 * hashNoise(x, i + 1))),
      };
    };
    const r = lbfgs(noisy, new Float64Array(5).fill(3));
    expect(['gradient', 'relative-change', 'line-search-failed']).toContain(r.reason);
    expect(maxAbsDiff(r.x, c)).toBeLessThan(1e-2);
  });

  it('returns its best point instead of throwing when float32-like noise stops the line search', () => {
    // Values near 1e4 rounded to float32 plus 1e-3 absolute noise, gradients with 1e-3 relative noise:
    // no line search can resolve the last digits, so the run must end gracefully.
    const a = new Float64Array([1, 10, 100]);
    const c = new Float64Array([1, 2, 3]);
    const exact = rotatedQuadratic(a, c, 'float32');
    const f: Objective = (x) => {
      const { value, grad } = exact(x);
      return {
        value: Math.fround(1e4 + value + 1e-3 * hashNoise(x, 0)),
        grad: grad.map((g, i) => Math.fround(g * (1 + 1e-3 * hashNoise(x, i + 1)))),
      };
    };
    const x0 = new Float64Array([10, -10, 10]);
    const r = lbfgs(f, x0, { gradTol: 0, relTol: 0 });
    expect(r.reason).toBe('line-search-failed');
    expect(r.converged).toBe(false);
    expect(r.value).toBeLessThan(f(x0).value);
    expect(maxAbsDiff(r.x, c)).toBeLessThan(0.1);
  });

  it('stops on max-iterations and on an already-stationary start', () => {
    const capped = lbfgs(rosenbrock, classicStart(2), { maxIterations: 3 });
    expect(capped).toMatchObject({ iterations: 3, converged: false, reason: 'max-iterations' });
    const atMin = lbfgs(rosenbrock, new Float64Array([1, 1]));
    expect(atMin).toMatchObject({ iterations: 0, evaluations: 1, converged: true, reason: 'gradient' });
  });

  it("ends at the first accepted point the caller's stop accepts, either line search", () => {
    const stop = (x: Float64Array): boolean => x[0] > 0;
    const wolfe = lbfgs(rosenbrock, classicStart(2), { stop });
    const backtracking = lbfgsBacktracking((x) => rosenbrock(x).value, (x) => rosenbrock(x).grad, classicStart(2), { stop });
    for (const r of [wolfe, backtracking]) {
      expect(r).toMatchObject({ converged: false, reason: 'stopped' });
      expect(r.x[0]).toBeGreaterThan(0);
      expect(r.iterations).toBeLessThan(lbfgs(rosenbrock, classicStart(2)).iterations);
    }
  });

  it('caps the first step at 1 in the inf-norm', () => {
    const seen: number[] = [];
    const steep: Objective = (x) => {
      seen.push(x[0]);
      return { value: 1e4 * x[0] + Math.exp(x[0]), grad: new Float64Array([1e4 + Math.exp(x[0])]) };
    };
    lbfgs(steep, new Float64Array([0]), { maxIterations: 1 });
    expect(Math.abs(seen[1] - seen[0])).toBeLessThanOrEqual(1);
  });

  it('throws when the start is not finite', () => {
    expect(() => lbfgs(() => ({ value: NaN, grad: new Float64Array(1) }), new Float64Array(1))).toThrow(/starting point/);
  });
});
