import type { Draw, Estimator, Family } from './family.js';
import { standardEntropy } from './family.js';
import type { Frame } from './frame.js';
import { packedIndex, packedLowerTSolve, packedLowerTimes, solveLower, solveLowerT } from './triangular.js';

/**
 * Full-rank Gaussian: theta = center + L'^-1 (m + B eps), B lower-triangular with a positive diagonal,
 * lambda = [m, B packed by rows with log B_ii in place of B_ii]. Its covariance is L'^-1 B B' L^-1: every
 * covariance is reachable (B = chol(L' S L)), and B = I is the Laplace Gaussian itself.
 * log q(theta) = -d/2 log 2 pi + sum log L_ii - sum log B_ii - |eps|^2 / 2.
 * The log diagonal keeps B invertible: with B_ii itself, one Adam step of size lr from B_ii = lr (the
 * TFP recipe's 0.01 start) lands on 0, where log q is infinite.
 */
export function fullRankFamily(frame: Frame): Family {
  const d = frame.center.length;
  // fullrank always gets a dense frame (run.ts); a diagonal one is expanded for its dense algebra.
  const L = frame.L instanceof Float64Array ? Array.from(frame.L, (v, i) => Float64Array.from({ length: d }, (_, j) => (j === i ? v : 0))) : frame.L;
  const size = d + (d * (d + 1)) / 2;
  const toTheta = (w: Float64Array): Float64Array => {
    const x = L ? solveLowerT(L, w) : w;
    for (let i = 0; i < d; i++) x[i] += frame.center[i];
    return x;
  };
  let logDetL = 0;
  if (L) for (let i = 0; i < d; i++) logDetL += Math.log(L[i][i]);
  const logDetB = (lambda: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += lambda[d + packedIndex(i, i)];
    return s;
  };
  /** lambda with exp() applied to the stored log diagonal: B as a packed triangle at offset d. */
  const withB = (lambda: Float64Array): Float64Array => {
    const out = Float64Array.from(lambda);
    for (let i = 0; i < d; i++) out[d + packedIndex(i, i)] = Math.exp(lambda[d + packedIndex(i, i)]);
    return out;
  };
  return {
    kind: 'fullrank',
    dim: d,
    size,
    initial: () => {
      const lambda = new Float64Array(size);
      lambda.set(frame.start);
      // The Laplace covariance (B = I), or the random start's sds.
      for (let i = 0; i < d; i++) lambda[d + packedIndex(i, i)] = L ? 0 : Math.log(frame.conditionalSd[i]);
      return lambda;
    },
    draws(lambda: Float64Array, eps: readonly Float64Array[]): Draw[] {
      const c = -0.5 * d * Math.log(2 * Math.PI) + logDetL - logDetB(lambda);
      const B = withB(lambda);
      return eps.map((e) => {
        const w = packedLowerTimes(B, d, e);
        let ee = 0;
        for (let i = 0; i < d; i++) {
          w[i] += lambda[i];
          ee += e[i] * e[i];
        }
        return { theta: toTheta(w), logq: c - 0.5 * ee };
      });
    },
    gradient(lambda: Float64Array, eps: readonly Float64Array[], grads: readonly Float64Array[], estimator: Estimator): Float64Array {
      const K = eps.length;
      const B = withB(lambda);
      const out = new Float64Array(size);
      for (let k = 0; k < K; k++) {
        const e = eps[k];
        // Gradient in w: L^-1 grad log p; STL adds -grad_w log q at stopped lambda = B'^-1 eps.
        const G = L ? solveLower(L, grads[k]) : Float64Array.from(grads[k]);
        if (estimator === 'stl') {
          const score = packedLowerTSolve(B, d, e);
          for (let i = 0; i < d; i++) G[i] += score[i];
        }
        let p = d;
        for (let i = 0; i < d; i++) {
          out[i] += G[i] / K;
          const gi = G[i] / K;
          for (let j = 0; j <= i; j++) out[p++] += gi * e[j];
        }
      }
      for (let i = 0; i < d; i++) {
        // Chain rule to log B_ii; the entropy's gradient in log B_ii is 1.
        const p = d + packedIndex(i, i);
        out[p] = out[p] * B[p] + (estimator === 'entropy' ? 1 : 0);
      }
      return out;
    },
    entropy: (lambda: Float64Array) => standardEntropy(d) - logDetL + logDetB(lambda),
    mean: (lambda: Float64Array) => toTheta(Float64Array.from(lambda.subarray(0, d))),
    sd(lambda: Float64Array): Float64Array {
      // Column j of L'^-1 B is L'^-1 (column j of B); the marginal variance is the squared row norm.
      const B = withB(lambda);
      const v = new Float64Array(d);
      for (let j = 0; j < d; j++) {
        const col = new Float64Array(d);
        for (let i = j; i < d; i++) col[i] = B[d + packedIndex(i, j)];
        const x = L ? solveLowerT(L, col) : col;
        for (let i = 0; i < d; i++) v[i] += x[i] * x[i];
      }
      return v.map(Math.sqrt);
    },
  };
}
