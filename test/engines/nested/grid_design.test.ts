import { inverse, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { buildGrid } from '../../../src/engines/nested/grid.js';
import { gridWeights } from '../../../src/engines/nested/mixture.js';
import type { LaplaceMarginal, MarginalPoint } from '../../../src/engines/nested/marginal.js';
import type { OuterMode } from '../../../src/engines/nested/optimize.js';
import { createRng } from '../../../src/core/rng.js';

/*
 * The integration over the hyperparameters, on an L that is exactly a correlated Gaussian in phi
 * (log density -1/2 phi' A phi): the weighted points must give its mean 0 and covariance A^-1. In two
 * dimensions that is INLA's lattice; in eight, where a lattice needs thousands of points and, cut at
 * its limit, kept the centre and lost the tails (sds 30-40% short), importance sampling in z.
 */
function gaussianL(A: number[][]): { L: LaplaceMarginal; mode: OuterMode } {
  const p = A.length;
  const value = (phi: Float64Array): number => {
    let q = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) q += phi[i] * A[i][j] * phi[j];
    return -0.5 * q;
  };
  const point = (phi: Float64Array): MarginalPoint => ({ value: value(phi), inner: { phi, x: new Float64Array(0) } } as unknown as MarginalPoint);
  const L = { at: (phi: Float64Array) => point(Float64Array.from(phi)), reset: () => undefined } as unknown as LaplaceMarginal;
  const phi = new Float64Array(p);
  const mode = {
    phi, point: point(phi), grad: new Float64Array(p), hessian: A.map((r) => Float64Array.from(r, (v) => -v)), scale: new Float64Array(p).fill(1),
  } as unknown as OuterMode;
  return { L, mode };
}

/** An equicorrelated precision with unequal scales. */
function precision(p: number, rho: number): number[][] {
  const s = Array.from({ length: p }, (_, i) => 0.5 + 0.25 * i);
  const C = Array.from({ length: p }, (_, i) => Array.from({ length: p }, (_, j) => (i === j ? 1 : rho) * s[i] * s[j]));
  return inverse(new Matrix(C)).to2DArray();
}

function moments(p: number, rho: number): { design: string; mean: number[]; sdRatio: number[]; corr: number } {
  const A = precision(p, rho);
  const { L, mode } = gaussianL(A);
  const grid = buildGrid(L, mode, 0, undefined, createRng(5));
  const w = gridWeights(grid);
  const mean = Array.from({ length: p }, (_, c) => grid.points.reduce((a, pt, k) => a + w[k] * pt.phi[c], 0));
  const cov = (a: number, b: number): number => grid.points.reduce((s, pt, k) => s + w[k] * (pt.phi[a] - mean[a]) * (pt.phi[b] - mean[b]), 0);
  const s = Array.from({ length: p }, (_, i) => 0.5 + 0.25 * i);
  return {
    design: grid.design,
    mean: mean.map((m, i) => m / s[i]),
    sdRatio: s.map((si, i) => Math.sqrt(cov(i, i)) / si),
    corr: cov(0, 1) / Math.sqrt(cov(0, 0) * cov(1, 1)),
  };
}

describe('integration over the hyperparameters', () => {
  it.each([[2, 'lattice'], [8, 'random']])('in %i dimensions (%s): the mean within 0.1 sd, sds within 10%%, the correlation within 0.1', (p, design) => {
    const m = moments(p as number, 0.5);
    expect(m.design).toBe(design);
    for (const v of m.mean) expect(Math.abs(v)).toBeLessThan(0.1);
    for (const r of m.sdRatio) expect(Math.abs(r - 1)).toBeLessThan(0.1);
    expect(Math.abs(m.corr - 0.5)).toBeLessThan(0.1);
  });
});
