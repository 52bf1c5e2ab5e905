import type { F64 } from '../../distributions/f64_ops.js';
import { at, type Block, type Values } from './block.js';

/*
 * The Laplace marginal's log-determinant part of its Hessian over the fixed effects, in closed form, from
 * the latent Hessian's blocks (hessian.ts makes them and offers this as LatentHessian.logDetHessian).
 */

/**
 * The largest field whose log det H Hessian is taken in closed form (H^-1 dense: n solves), and the most
 * entries of H its slopes may touch (m: an m x m matrix of products of H^-1's entries).
 */
export const DENSE_LOG_DET_HESSIAN = 64;
const MAX_TOUCHED = 512;
/** And the most theta coordinates: sum_r c_r A_r A_r' is kept dense over them. */
const MAX_DIM = 512;

/**
 * The second derivatives of log det H along the path theta(b) = theta + sum_j b_j D_j + x's second-order
 * part, for directions D_j = (e_j, v_j), v_j = dx-hat/db_j (a fixed effect with its tangent): the Laplace
 * marginal's log-determinant part of its Hessian over the fixed effects, which outer_hessian.ts otherwise
 * differences column by column (a pass over the rows and a factorisation per fixed effect). With H =
 * sum_r w(z_r) a_r a_r' + (terms constant in z), e_rj = dz_r/db_j, lev_r = a_r' H^-1 a_r:
 *   dH_j = sum_r w'_r e_rj a_r a_r',
 *   d2H_jk = sum_r (w''_r e_rj e_rk + w'_r a_r' x_jk) a_r a_r', where x_jk = d2 x-hat / db_j db_k
 *          = -H^-1 sum_r w'_r e_rj e_rk a_r (the inner optimum's condition differentiated twice),
 *   d2 log det H / db_j db_k = tr(H^-1 d2H_jk) - tr(H^-1 dH_j H^-1 dH_k),
 *   tr(H^-1 d2H_jk) = sum_r e_rj e_rk (w''_r lev_r - w'_r a_r' H^-1 g), g = sum_r w'_r lev_r a_r
 *          (= d log det H / dx).
 * w''_r is dw's difference in z (Block.dwSlope). The first trace is a weighted sum over the rows; the
 * second needs H^-1 dense (n solves). Undefined where a number is not finite or dH touches too much of H.
 */
export function logDetHessianAlong(theta: Float64Array, blocks: readonly Block[], n: number, values: Values, inverse: Float64Array,
  solve: (b: Float64Array) => Float64Array, directions: readonly Float64Array[]): Float64Array[] | undefined {
  const q = directions.length;
  type Part = { b: Block; coef: F64[]; dw: Float64Array; d2w: Float64Array; lev: Float64Array };
  const parts: Part[] = [];
  const g = new Float64Array(n);
  const dim = theta.length;
  if (dim > MAX_DIM) return undefined;
  for (const b of blocks) {
    const { coef, dw } = b.prepare(values);
    // A block with w' = 0 on every row can still have w'' (a logit's curvature at z = 0 exactly, on
    // balanced binary data): only a block with neither adds nothing (a Normal prior's).
    const d2w = b.dwSlope(values);
    if (dw.every((v) => v === 0) && d2w.every((v) => v === 0)) continue;
    const lev = b.leverage(coef, inverse);
    b.addLogDetGradientX(coef, dw, lev, g);
    parts.push({ b, coef, dw: dw.slice(), d2w, lev });
  }
  const out: Float64Array[] = [];
  for (let j = 0; j < q; j++) out.push(new Float64Array(q));
  if (parts.length === 0) return out;
  const u = solve(g);
  // H^-1 dense, column by column.
  const S: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const unit = new Float64Array(n);
    unit[k] = 1;
    S.push(solve(unit));
  }
  // sum_r c_r e_rj e_rk = D_j' M D_k with M = sum_r c_r A_r A_r' over theta (A_r the row's coefficients):
  // a pass over the rows into M, then its few entries against the directions, not q^2 / 2 passes.
  const M = new Float64Array(dim * dim);
  // dH_j on x as values at the positions (a, b) it touches, both triangles: H's pattern or less, found
  // first so that each dH_j is a Float64Array (an array grown from 0s changed its elements' kind midway,
  // and V8 threw the function's compiled code away on every gene).
  const position = new Map<number, number>();
  const touched: number[] = [];
  for (const { b } of parts) {
    for (let r = 0; r < b.rows; r++) {
      for (const it of b.index) {
        if (it[r] < 0) continue;
        for (const is of b.index) {
          const key = it[r] * n + is[r];
          if (is[r] >= 0 && !position.has(key)) position.set(key, touched.push(key) - 1);
        }
      }
    }
  }
  const m = touched.length;
  if (m > MAX_TOUCHED) return undefined;
  // Arrays of arrays built by push here: map's result is holey or packed depending on whether V8 has
  // compiled the caller, and reading one of each kind threw this function's compiled code away.
  const dH: Float64Array[] = [];
  for (let j = 0; j < q; j++) dH.push(new Float64Array(m));
  for (const { b, coef, dw, d2w, lev } of parts) {
    const e: Float64Array[] = [];
    for (const d of directions) {
      const z = new Float64Array(b.rows);
      b.zAlong(coef, d, z);
      e.push(z);
    }
    const c = new Float64Array(b.rows);
    const T = b.index.length;
    for (let r = 0; r < b.rows; r++) {
      let alpha = 0;
      for (let t = 0; t < T; t++) if (b.index[t][r] >= 0) alpha += at(coef[t], r) * u[b.index[t][r]];
      c[r] = d2w[r] * lev[r] - dw[r] * alpha;
    }
    b.addWeightedOuter(coef, c, M, dim);
    for (let r = 0; r < b.rows; r++) {
      for (let t = 0; t < T; t++) {
        const it = b.index[t][r];
        if (it < 0) continue;
        for (let s = 0; s < T; s++) {
          const is = b.index[s][r];
          if (is < 0) continue;
          const v = dw[r] * at(coef[t], r) * at(coef[s], r);
          const p = position.get(it * n + is)!;
          for (let j = 0; j < q; j++) dH[j][p] += v * e[j][r];
        }
      }
    }
  }
  const entries: number[] = [];
  for (let ab = 0; ab < M.length; ab++) if (M[ab] !== 0) entries.push(ab);
  for (let k = 0; k < q; k++) {
    const Dk = directions[k];
    const MD = new Float64Array(dim);
    for (const ab of entries) MD[Math.floor(ab / dim)] += M[ab] * Dk[ab % dim];
    for (let j = k; j < q; j++) {
      const Dj = directions[j];
      let sum = 0;
      for (let a = 0; a < dim; a++) sum += Dj[a] * MD[a];
      out[j][k] += sum;
    }
  }
  // tr(H^-1 dH_j H^-1 dH_k) = sum over touched (a, b), (c, d) of dH_j[a, b] S[b, c] dH_k[c, d] S[d, a]:
  // K[p][p'] = S[b][c] S[d][a] once (a diagonal H touches n positions: K is S o S), then dH_j' K dH_k.
  const K: Float64Array[] = [];
  for (let p = 0; p < m; p++) {
    const a = Math.floor(touched[p] / n);
    const b = touched[p] % n;
    const row = new Float64Array(m);
    for (let p2 = 0; p2 < m; p2++) row[p2] = S[b][Math.floor(touched[p2] / n)] * S[touched[p2] % n][a];
    K.push(row);
  }
  const KD: Float64Array[] = [];
  for (const d of dH) {
    const kd = new Float64Array(m);
    for (let p = 0; p < m; p++) {
      const row = K[p];
      let sum = 0;
      for (let p2 = 0; p2 < m; p2++) sum += row[p2] * d[p2];
      kd[p] = sum;
    }
    KD.push(kd);
  }
  for (let j = 0; j < q; j++) {
    for (let k = 0; k <= j; k++) {
      let sum = 0;
      for (let p = 0; p < m; p++) sum += dH[j][p] * KD[k][p];
      out[j][k] -= sum;
      out[k][j] = out[j][k];
    }
  }
  return out.every((row) => row.every(Number.isFinite)) ? out : undefined;
}
