import { describe, expect, it } from 'vitest';
import type { LogDensity, ValueAndGrad } from '../../../src/core/log_density.js';
import { splitOf } from '../../../src/engines/laplace/marginal_inner.js';
import { LaplaceMarginal } from '../../../src/engines/laplace/marginal_objective.js';
import { coloringOf, denseColoring } from '../../../src/engines/laplace/marginal_sparsity.js';

const rows = (entries: number[][]): Float64Array[] => entries.map((r) => Float64Array.from(r));

describe('column colouring of the u-Hessian (Curtis, Powell & Reid)', () => {
  it('perturbs all columns of a diagonal matrix together', () => {
    expect(coloringOf(rows([[2, 0, 0], [0, 3, 0], [0, 0, 4]])).groups).toEqual([[0, 1, 2]]);
  });

  it('separates columns that share a row; a nested pattern needs as many groups as its widest row', () => {
    // u0 is a parent level coupled to its children u1, u2; u3 is a child of another parent, alone.
    const c = coloringOf(rows([[5, 1, 1, 0], [1, 2, 0, 0], [1, 0, 2, 0], [0, 0, 0, 2]]));
    expect(c.groups).toEqual([[0, 3], [1], [2]]);
    expect(c.rows[0]).toEqual([0, 1, 2]);
  });

  it('ignores entries at the noise level of the differences', () => {
    expect(coloringOf(rows([[1, 1e-13], [1e-13, 1]])).groups).toEqual([[0, 1]]);
  });

  it('dense is one column per group', () => {
    expect(denseColoring(3).groups).toEqual([[0], [1], [2]]);
  });
});

/**
 * f(phi, u) = -(u1 - phi)^2 / 2 - (u2 - phi)^2 / 2 - (u1 u2)^2 / 2: at phi = 0 the mode is u = 0,
 * where the cross curvature -2 u1 u2 vanishes by coincidence; at phi = 1 it does not.
 */
function coincidentalDensity(): LogDensity {
  const vg = (t: Float64Array): ValueAndGrad => {
    const [phi, u1, u2] = t;
    const value = -0.5 * (u1 - phi) ** 2 - 0.5 * (u2 - phi) ** 2 - 0.5 * (u1 * u2) ** 2;
    const grad = Float64Array.from([(u1 - phi) + (u2 - phi), -(u1 - phi) - u1 * u2 * u2, -(u2 - phi) - u1 * u1 * u2]);
    return { value, grad };
  };
  return {
    dim: 3, thetaNames: ['phi', 'u[1]', 'u[2]'], names: ['phi', 'u[1]', 'u[2]'], latent: [1, 2], constant: 0,
    valueAndGrad: vg,
    valueAndGradBatch: (ts) => ts.map(vg),
    valueBatch: (ts) => Float64Array.from(ts, (t) => vg(t).value),
    constrain: (t) => t,
    unconstrain: (v) => v,
    dispose: () => undefined,
  };
}

describe('a sparsity pattern read where an entry vanished by coincidence', () => {
  it('is caught by the dense check, and dense differences then give the right precision', () => {
    const ld = coincidentalDensity();
    const marginal = new LaplaceMarginal(ld, splitOf(ld));
    marginal.at(Float64Array.of(0));
    expect(marginal.hessianGroups).toBe(1);
    const phi = Float64Array.of(1);
    const sparse = marginal.at(phi).inner;
    expect(marginal.patternHolds(phi, sparse)).toBe(false);
    marginal.useDense();
    const dense = marginal.at(phi).inner;
    const [u1, u2] = dense.u;
    expect(dense.precision[0][1]).toBeCloseTo(2 * u1 * u2, 6);
    expect(dense.precision[0][0]).toBeCloseTo(1 + u2 * u2, 6);
    expect(marginal.patternHolds(phi, dense)).toBe(true);
  });
});
