import { describe, expect, it } from 'vitest';
import { CholeskyDecomposition, Matrix, inverse } from 'ml-matrix';
import { analyseCholesky, type CholeskyFactor, type SymmetricPattern } from '../../../src/math/sparse/index.js';
import { patternOfPairs } from '../../../src/compiler/latent/pairs.js';
import { createRng } from '../../../src/core/rng.js';

/** A random SPD matrix on a random pattern: A = B B' + n I restricted... built as sum of rank-one rows like a GLMM's Z'WZ + Q. */
function glmmLike(seed: string, groups: number[], rows: number, fixed: number): { n: number; dense: number[][] } {
  const rng = createRng(seed);
  const n = groups.reduce((a, b) => a + b, 0) + fixed;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 1 + rng.uniform() : 0)));
  const offsets = groups.map((_, g) => groups.slice(0, g).reduce((a, b) => a + b, 0));
  for (let r = 0; r < rows; r++) {
    const idx = groups.map((size, g) => offsets[g] + Math.floor(rng.uniform() * size));
    for (let f = 0; f < fixed; f++) idx.push(n - fixed + f);
    const a = idx.map(() => rng.normal());
    const w = 0.2 + rng.uniform();
    idx.forEach((i, s) => idx.forEach((j, t) => (A[i][j] += w * (a[s] * a[t]))));
  }
  return { n, dense: A };
}

function banded(n: number, bw: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j ? 2 * bw + 1 : Math.abs(i - j) <= bw ? -0.9 : 0)));
}

/** The lower-triangle pattern and values of a dense symmetric matrix (its non-zeros). */
function toPattern(A: number[][]): { pattern: SymmetricPattern; values: Float64Array } {
  const n = A.length;
  const rs: number[] = [];
  const cs: number[] = [];
  const vs: number[] = [];
  for (let j = 0; j < n; j++) for (let i = j; i < n; i++) if (i === j || A[i][j] !== 0) { rs.push(i); cs.push(j); vs.push(A[i][j]); }
  const { pattern, slot } = patternOfPairs(n, Int32Array.from(rs), Int32Array.from(cs));
  const values = new Float64Array(pattern.rowIdx.length);
  slot.forEach((s, k) => (values[s] = vs[k]));
  return { pattern, values };
}

function factorOf(A: number[][], ordering: 'auto' | 'natural' = 'auto'): { f: CholeskyFactor; pattern: SymmetricPattern } {
  const { pattern, values } = toPattern(A);
  const f = analyseCholesky(pattern, { ordering }).factor(values);
  if ('notPositiveDefinite' in f) throw new Error('not PD');
  return { f, pattern };
}

const CASES: [string, number[][]][] = [
  ['n = 1', [[4]]],
  ['n = 2', [[2, 1], [1, 3]]],
  ['banded, n = 50', banded(50, 3)],
  ['GLMM-like nested-ish, n = 63', glmmLike('a', [40, 15, 5], 60, 3).dense],
  ['GLMM-like crossed with a dense tail, n = 300', glmmLike('b', [200, 60, 30], 900, 10).dense],
];

describe('sparse Cholesky against dense float64 algebra', () => {
  for (const [name, A] of CASES) {
    for (const ordering of ['auto', 'natural'] as const) {
      it(`${name} (${ordering} ordering)`, () => {
        const n = A.length;
        const { f, pattern } = factorOf(A, ordering);
        const M = new Matrix(A);
        const L = new CholeskyDecomposition(M).lowerTriangularMatrix;
        let logDet = 0;
        for (let i = 0; i < n; i++) logDet += 2 * Math.log(L.get(i, i));
        expect(Math.abs(f.logDet - logDet)).toBeLessThan(1e-10 * Math.max(1, Math.abs(logDet)));
        const inv = inverse(M);
        const maxInv = Math.max(...inv.to1DArray().map(Math.abs));
        // solve
        const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
        const x = f.solve(b);
        const r = M.mmul(Matrix.columnVector(Array.from(x))).getColumn(0).map((v, i) => v - b[i]);
        expect(Math.max(...r.map(Math.abs))).toBeLessThan(1e-9 * Math.max(1, ...A.map((row) => Math.max(...row.map(Math.abs)))));
        // selected inverse on the pattern, and the diagonal
        const z = f.selectedInverse();
        for (let j = 0; j < n; j++) {
          for (let p = pattern.colPtr[j]; p < pattern.colPtr[j + 1]; p++) {
            expect(Math.abs(z[p] - inv.get(pattern.rowIdx[p], j))).toBeLessThan(1e-9 * maxInv);
          }
        }
        const d = f.inverseDiagonal();
        for (let i = 0; i < n; i++) expect(Math.abs(d[i] - inv.get(i, i))).toBeLessThan(1e-9 * maxInv);
        // drawFromStandard: the images X of the identity's columns have X X' = A^-1
        const X = Array.from({ length: n }, (_, k) => f.drawFromStandard(Float64Array.from({ length: n }, (__, i) => (i === k ? 1 : 0))));
        for (let i = 0; i < n; i += Math.max(1, n >> 4)) {
          for (let j = 0; j <= i; j += Math.max(1, n >> 4)) {
            let s = 0;
            for (let k = 0; k < n; k++) s += X[k][i] * X[k][j];
            expect(Math.abs(s - inv.get(i, j))).toBeLessThan(1e-9 * maxInv);
          }
        }
      });
    }
  }

  it('reports the original index of the pivot that fails', () => {
    const A = [[4, 1, 0, 0], [1, 3, 1, 0], [0, 1, 2, 0], [0, 0, 0, -1]];
    const { pattern, values } = toPattern(A);
    const f = analyseCholesky(pattern, { ordering: 'natural' }).factor(values);
    expect(f).toEqual({ notPositiveDefinite: 3 });
  });

  it('is deterministic to the bit', () => {
    const A = glmmLike('c', [100, 30], 300, 4).dense;
    const a = factorOf(A).f;
    const b = factorOf(A).f;
    expect(a.logDet).toBe(b.logDet);
    expect(Array.from(a.selectedInverse())).toEqual(Array.from(b.selectedInverse()));
  });

  it('orders a nested GLMM (observation-level, brood, location and fixed effects) with little fill', () => {
    // grouseticks' shape: 403 rows, each with its own index effect, a brood nested in a location, 5 fixed effects.
    const rng = createRng('grouse');
    const rs: number[] = [];
    const cs: number[] = [];
    const n = 403 + 118 + 63 + 5;
    const broodLoc = Array.from({ length: 118 }, () => Math.floor(rng.uniform() * 63));
    for (let r = 0; r < 403; r++) {
      const brood = r % 118;
      const idx = [r, 403 + brood, 403 + 118 + broodLoc[brood], ...[0, 1, 2, 3, 4].map((f) => 584 + f)];
      for (const i of idx) for (const j of idx) if (i >= j) { rs.push(i); cs.push(j); }
    }
    const { pattern } = patternOfPairs(n, Int32Array.from(rs), Int32Array.from(cs));
    const sym = analyseCholesky(pattern);
    expect(sym.nnzL).toBeLessThan(1.3 * pattern.rowIdx.length);
  });
});
