import { compile } from '../../../src/api/compile.js';
import { inferFit, type Fit, type FitSummaryRow } from '../../../src/api/infer.js';
import type { Rng } from '../../../src/core/rng.js';
import { cholesky, cholSolve as solveChol } from '../../dense.js';

/** Samplers and plumbing for the formula recovery tests; all randomness comes from a seeded Rng. */

/** Poisson(rate) by inversion of the cdf (exact; the tests' rates stay well below 100). */
export function poisson(rng: Rng, rate: number): number {
  const u = rng.uniform();
  let k = 0;
  let p = Math.exp(-rate);
  let cdf = p;
  while (u > cdf && p > 0) {
    k += 1;
    p *= rate / k;
    cdf += p;
  }
  return k;
}

/** Binomial(trials, p) as a sum of Bernoulli draws. */
export function binomial(rng: Rng, trials: number, p: number): number {
  let k = 0;
  for (let t = 0; t < trials; t++) if (rng.uniform() < p) k += 1;
  return k;
}

export const invLogit = (x: number): number => 1 / (1 + Math.exp(-x));

/** Level labels that sort the same way as strings and as R sorts them: `g07` < `g12`. */
export const label = (prefix: string, i: number): string => `${prefix}${String(i).padStart(2, '0')}`;

/** CSV text from columns; reals are written with 17 significant digits, so they read back exactly. */
export function csvOf(columns: Record<string, readonly (number | string)[]>): string {
  const names = Object.keys(columns);
  const n = columns[names[0]].length;
  const cell = (v: number | string): string => (typeof v === 'string' || Number.isInteger(v) ? String(v) : v.toPrecision(17));
  const rows = Array.from({ length: n }, (_, i) => names.map((c) => cell(columns[c][i])).join(','));
  return [names.join(','), ...rows].join('\n');
}

export interface NamedFit {
  readonly fit: Fit;
  /** A summary row by its lme4 name; throws if the model has no such quantity. */
  row(name: string): FitSummaryRow;
}

/** Compiles a formula model on CSV text and fits it as `ppl infer --engine laplace [--ml]` would. */
export async function fitFormula(source: string, csv: string, o: { ml: boolean; engine?: 'laplace' | 'nuts'; seed?: number; draws?: number; settings?: Record<string, unknown> }): Promise<NamedFit> {
  const model = compile(source, { fileName: 'recovery.glmm', data: { text: csv, file: 'recovery.csv' }, ml: o.ml });
  const fit = await inferFit(model, { engine: o.engine ?? 'laplace', seed: o.seed ?? 1, draws: o.draws ?? 200, settings: o.settings });
  const byName = new Map(fit.summary.map((r) => [r.name, r]));
  return {
    fit,
    row(name: string): FitSummaryRow {
      const r = byName.get(name);
      if (!r) throw new Error(`no quantity '${name}' in the fit; it has ${fit.summary.filter((s) => !s.name.includes('[') || s.name.startsWith('sd[') || s.name.startsWith('cor[')).map((s) => s.name).join(', ')}`);
      return r;
    },
  };
}

/**
 * One row of a design as the Fisher information sees it: fixed-effect covariates, the random-effect
 * columns it touches (index into the stacked random effects, value), and its working weight
 * (1 / sigma^2 for gaussian, the mean for poisson, n p (1 - p) for binomial, at the true values).
 */
export interface InfoRow {
  readonly x: readonly number[];
  readonly z: readonly (readonly [number, number])[];
  readonly w: number;
}

/**
 * The asymptotic standard errors of the fixed effects of a (generalised) linear mixed model at its
 * true parameters: the inverse of X' (W^-1 + Z D Z')^-1 X = X'WX - X'WZ (D^-1 + Z'WZ)^-1 Z'WX
 * (Woodbury), the information the Laplace approximation, lme4 and glmmTMB work with.
 */
export function designSe(rows: readonly InfoRow[], dInverse: readonly (readonly number[])[]): number[] {
  const p = rows[0].x.length;
  const q = dInverse.length;
  const A = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const B = Array.from({ length: p }, () => new Array<number>(q).fill(0));
  const M = dInverse.map((r) => [...r]);
  for (const { x, z, w } of rows) {
    for (let k = 0; k < p; k++) {
      for (let l = 0; l < p; l++) A[k][l] += w * x[k] * x[l];
      for (const [j, v] of z) B[k][j] += w * x[k] * v;
    }
    for (const [i, u] of z) for (const [j, v] of z) M[i][j] += w * u * v;
  }
  const L = cholesky(M);
  const info = A.map((row, k) => {
    const mb = solveChol(L, B[k]);
    return row.map((a, l) => a - B[l].reduce((s, b, j) => s + b * mb[j], 0));
  });
  const Li = cholesky(info);
  return info.map((_, k) => Math.sqrt(solveChol(Li, info.map((__, l) => (l === k ? 1 : 0)))[k]));
}

/**
 * The approximate standard error of log(sd-hat) for a variance component with `groups` levels:
 * sqrt(1 / (2 G)) (1 + v / sd^2), v the sampling variance of one level's effect from its own data
 * (exact for a balanced one-way layout, where var(sd-hat^2) = 2 (sd^2 + v)^2 / G).
 */
export const logSdSe = (groups: number, sd: number, v: number): number => Math.sqrt(1 / (2 * groups)) * (1 + v / (sd * sd));
