/**
 * The exact maximum likelihood fit of a linear mixed model, written out independently of Glimmer:
 * y ~ N(X b, V) with V block diagonal, block j = sigma^2 I + Z_j D Z_j' (the rows of one group, or
 * of one top-level group with everything nested in it). By Woodbury, with M_j = sigma^2 D^-1 + Z_j'Z_j,
 *   V_j^-1 = (I - Z_j M_j^-1 Z_j') / sigma^2,
 *   log det V_j = 2 (n_j - q) log sigma + log det D + log det M_j,
 * so every quantity needs only the per-block cross products X'X, X'Z, Z'Z, X'y, Z'y, y'y. For a
 * random intercept (q = 1, Z_j = 1) this is the textbook (I - c 1 1') / sigma^2 with
 * c = tau^2 / (sigma^2 + n tau^2). b is profiled out by generalised least squares and the profile log
 * likelihood is maximised over (covariance parameters, log sigma) by Nelder-Mead, then Newton steps
 * on a central-difference Hessian.
 */
import { cholesky as chol, cholSolve } from '../../dense.js';

export interface LmmData {
  readonly y: readonly number[];
  /** Fixed-effect model-matrix rows (with the intercept column when the model has one). */
  readonly X: readonly (readonly number[])[];
  /** Random-effect design rows within the row's block (q entries, the same q in every block). */
  readonly Z: readonly (readonly number[])[];
  /** The block (0-based) of each row. */
  readonly block: readonly number[];
}

/** D from unconstrained covariance parameters (e.g. log sds and atanh of a correlation). */
export type CovarianceOf = (psi: readonly number[]) => number[][];

export interface ExactLmmFit {
  readonly beta: number[];
  /** The covariance parameters at the maximum (unconstrained, as CovarianceOf reads them). */
  readonly psi: number[];
  readonly sigma: number;
  readonly logLik: number;
  /** lme4's standard errors of b: the GLS covariance (X' V^-1 X)^-1 at the estimate. */
  readonly seGls: number[];
  /** The inverse observed information of the log likelihood in (b, psi, log sigma). */
  readonly covObserved: number[][];
}

type Matrix = number[][];

const LOG_2PI = Math.log(2 * Math.PI);

const logDetChol = (L: Matrix): number => L.reduce((s, r, i) => s + 2 * Math.log(r[i]), 0);

export function inverse(A: readonly (readonly number[])[]): Matrix {
  const L = chol(A);
  const cols = A.map((_, j) => cholSolve(L, A.map((__, i) => (i === j ? 1 : 0))));
  return A.map((_, i) => A.map((__, j) => cols[j][i]));
}

const zeros = (r: number, c: number): Matrix => Array.from({ length: r }, () => new Array<number>(c).fill(0));
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i], 0);

interface Block {
  readonly n: number;
  readonly XX: Matrix;
  readonly XZ: Matrix;
  readonly ZZ: Matrix;
  readonly Xy: number[];
  readonly Zy: number[];
  readonly yy: number;
}

/** The per-block cross products: all the likelihood needs. */
function blocksOf(d: LmmData): Block[] {
  const p = d.X[0].length;
  const q = d.Z[0].length;
  const out: { n: number; XX: Matrix; XZ: Matrix; ZZ: Matrix; Xy: number[]; Zy: number[]; yy: number }[] = [];
  d.y.forEach((y, i) => {
    const b = (out[d.block[i]] ??= { n: 0, XX: zeros(p, p), XZ: zeros(p, q), ZZ: zeros(q, q), Xy: new Array<number>(p).fill(0), Zy: new Array<number>(q).fill(0), yy: 0 });
    const x = d.X[i];
    const z = d.Z[i];
    b.n += 1;
    b.yy += y * y;
    for (let k = 0; k < p; k++) {
      b.Xy[k] += x[k] * y;
      for (let l = 0; l < p; l++) b.XX[k][l] += x[k] * x[l];
      for (let l = 0; l < q; l++) b.XZ[k][l] += x[k] * z[l];
    }
    for (let k = 0; k < q; k++) {
      b.Zy[k] += z[k] * y;
      for (let l = 0; l < q; l++) b.ZZ[k][l] += z[k] * z[l];
    }
  });
  return out.filter((b) => b !== undefined);
}

/** Per block: the Cholesky factor of M = sigma^2 D^-1 + Z'Z, and the block's log det V. */
function factorBlocks(blocks: readonly Block[], D: Matrix, logSigma: number): { L: Matrix; logDetV: number }[] {
  const s2 = Math.exp(2 * logSigma);
  const Dinv = inverse(D);
  const logDetD = logDetChol(chol(D));
  const q = D.length;
  return blocks.map((b) => {
    const L = chol(b.ZZ.map((r, k) => r.map((v, l) => v + s2 * Dinv[k][l])));
    return { L, logDetV: 2 * (b.n - q) * logSigma + logDetD + logDetChol(L) };
  });
}

export class ExactLmm {
  private readonly blocks: Block[];
  readonly p: number;

  constructor(d: LmmData, private readonly covariance: CovarianceOf) {
    this.blocks = blocksOf(d);
    this.p = d.X[0].length;
  }

  /** The exact log likelihood at (b, psi, log sigma). */
  logLik(beta: readonly number[], psi: readonly number[], logSigma: number): number {
    const s2 = Math.exp(2 * logSigma);
    const f = factorBlocks(this.blocks, this.covariance(psi), logSigma);
    let total = 0;
    this.blocks.forEach((b, j) => {
      const rr = b.yy - 2 * dot(beta, b.Xy) + dot(beta, b.XX.map((r) => dot(r, beta)));
      const zr = b.Zy.map((v, l) => v - b.XZ.reduce((s, r, k) => s + r[l] * beta[k], 0));
      const quad = (rr - dot(zr, cholSolve(f[j].L, zr))) / s2;
      total -= 0.5 * (b.n * LOG_2PI + f[j].logDetV + quad);
    });
    return total;
  }

  /** GLS at (psi, log sigma): b = (X' V^-1 X)^-1 X' V^-1 y and that inverse. */
  gls(psi: readonly number[], logSigma: number): { beta: number[]; cov: Matrix } {
    const p = this.p;
    const s2 = Math.exp(2 * logSigma);
    const f = factorBlocks(this.blocks, this.covariance(psi), logSigma);
    const A = zeros(p, p);
    const rhs = new Array<number>(p).fill(0);
    this.blocks.forEach((b, j) => {
      // M^-1 Z'X, column by column of X.
      const mzx = Array.from({ length: p }, (_, k) => cholSolve(f[j].L, b.XZ[k]));
      const mzy = cholSolve(f[j].L, b.Zy);
      for (let k = 0; k < p; k++) {
        rhs[k] += (b.Xy[k] - dot(b.XZ[k], mzy)) / s2;
        for (let l = 0; l < p; l++) A[k][l] += (b.XX[k][l] - dot(b.XZ[k], mzx[l])) / s2;
      }
    });
    return { beta: cholSolve(chol(A), rhs), cov: inverse(A) };
  }

  /** Profile out b, maximise over (psi, log sigma) from a start, and the observed information at the maximum. */
  fit(start: readonly number[]): ExactLmmFit {
    const m = start.length - 1;
    const split = (s: readonly number[]): [number[], number] => [s.slice(0, m), s[m]];
    const profile = (s: number[]): number => {
      const [psi, ls] = split(s);
      try {
        return -this.logLik(this.gls(psi, ls).beta, psi, ls);
      } catch {
        return Infinity;
      }
    };
    let s = nelderMead(profile, [...start]);
    s = nelderMead(profile, s);
    for (let k = 0; k < 8; k++) {
      const { grad, hess } = derivatives(profile, s);
      const step = cholSolve(chol(hess), grad);
      s = s.map((v, i) => v - step[i]);
      if (Math.max(...step.map(Math.abs)) < 1e-10) break;
    }
    const { grad } = derivatives(profile, s);
    if (Math.max(...grad.map(Math.abs)) > 1e-6) throw new Error(`the exact fit did not converge: gradient ${grad.join(', ')}`);
    const [psi, ls] = split(s);
    const { beta, cov } = this.gls(psi, ls);
    const p = this.p;
    const { hess } = derivatives((z) => -this.logLik(z.slice(0, p), z.slice(p, p + m), z[p + m]), [...beta, ...s]);
    return { beta, psi, sigma: Math.exp(ls), logLik: this.logLik(beta, psi, ls), seGls: cov.map((r, i) => Math.sqrt(r[i])), covObserved: inverse(hess) };
  }
}

export function nelderMead(f: (x: number[]) => number, x0: number[], iterations = 600): number[] {
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => v + (i === j ? 0.3 : 0)))].map((x) => ({ x, v: f(x) }));
  for (let it = 0; it < iterations; it++) {
    simplex.sort((a, b) => a.v - b.v);
    const worst = simplex[simplex.length - 1];
    const centroid = x0.map((_, j) => simplex.slice(0, -1).reduce((s, p) => s + p.x[j], 0) / (simplex.length - 1));
    const along = (t: number): { x: number[]; v: number } => {
      const x = centroid.map((c, j) => c + t * (worst.x[j] - c));
      return { x, v: f(x) };
    };
    const r = along(-1);
    if (r.v < simplex[0].v) {
      const e = along(-2);
      simplex[simplex.length - 1] = e.v < r.v ? e : r;
    } else if (r.v < simplex[simplex.length - 2].v) {
      simplex[simplex.length - 1] = r;
    } else {
      const c = along(0.5);
      if (c.v < worst.v) simplex[simplex.length - 1] = c;
      else simplex = simplex.map((p) => p.x.map((v, j) => simplex[0].x[j] + 0.5 * (v - simplex[0].x[j]))).map((x) => ({ x, v: f(x) }));
    }
  }
  simplex.sort((a, b) => a.v - b.v);
  return simplex[0].x;
}

/** Gradient and Hessian by central differences with step h. */
export function derivatives(g: (x: number[]) => number, x: readonly number[], h = 1e-4): { grad: number[]; hess: Matrix } {
  const at = (steps: readonly [number, number][]): number => g(x.map((v, i) => v + steps.reduce((s, [k, t]) => s + (k === i ? t : 0), 0)));
  const grad = x.map((_, i) => (at([[i, h]]) - at([[i, -h]])) / (2 * h));
  const hess = x.map((_, i) => x.map((__, j) =>
    (at([[i, h], [j, h]]) - at([[i, h], [j, -h]]) - at([[i, -h], [j, h]]) + at([[i, -h], [j, -h]])) / (4 * h * h)));
  return { grad, hess };
}
