import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { ExactLmm, type CovarianceOf, type ExactLmmFit, type LmmData } from './exact_lmm.js';
import { binomial, csvOf, designSe, fitFormula, invLogit, label, logSdSe, poisson, type InfoRow, type NamedFit } from './simulate.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/*
 * Issue 4, third acceptance point: formula models fitted by maximum likelihood (compile(..., { ml: true })
 * + the laplace engine, i.e. `ppl infer --engine laplace --ml`) recover the parameters of data simulated
 * from them, and for gaussian models the fit is the closed-form maximum likelihood.
 *
 * Recovery tolerances, derived from the designs. Every seed is fixed, so each check is deterministic;
 * the bands are ~3.5 sampling sds wide (a correct implementation fails one with probability ~5e-4 per
 * quantity over seeds) and each design makes them much narrower than the distance to the wrong
 * answers named at each test:
 *  - fixed effects: |estimate - truth| < 3.5 reported SE, and the reported SE within a factor 1.5
 *    of the design SE (the asymptotic SE at the true parameters, `designSe`), so that the band cannot
 *    pass by an inflated SE;
 *  - random-effect sds: |log(sd-hat / sd)| < 3.5 sqrt(1 / (2G)) (1 + v / sd^2) (`logSdSe`: G levels,
 *    A (B - 1) for the inner level of A x B nested cells; v the sampling variance of one level's effect
 *    from its own data), which is below log 2 = 0.69 in every design, so an sd off by 2x in either
 *    direction fails (as does a variance reported as an sd when the true sd is 0.4, 0.5 or 0.6); the
 *    reported SE within a factor 1.5 of sd * that log SE;
 *  - a correlation: |atanh(r-hat) - atanh(r)| < 3.5 (1 + max v / sd^2) / sqrt(G - 3) (Fisher's z),
 *    below 2 atanh(0.4) = 0.85 so that a correlation of the wrong sign fails;
 *  - sigma (gaussian): |log(sigma-hat / sigma)| < 3.5 / sqrt(2 (N - number of random effects)).
 *
 * Closed-form tolerances (gaussian ML against `ExactLmm`, the exact likelihood maximised in the test
 * by Nelder-Mead and Newton to a gradient below 1e-6): every estimate within 1e-3 of its SE, sds and
 * sigma also within 1e-4 relative, the log likelihood within 1e-6, the variance parameters' SEs within
 * 1e-3 relative of the inverse observed information (what the engine computes, by finite differences),
 * and the fixed effects' SEs within 1e-3 of the GLS ones lme4 reports (given the variance parameters;
 * the full inverse differs from them by the b-by-variance cross information, zero only in expectation:
 * 0.6% for x here, glmmTMB's convention).
 */

const Z = 3.5;

interface Check {
  readonly name: string;
  readonly truth: number;
  readonly estimate: number;
  readonly se: number;
  /** (estimate - truth) in the units of its band. */
  readonly z: number;
  /** Reported SE over the design SE. */
  readonly seRatio: number;
}

function expectRatio(ratio: number, factor: number, what: string): void {
  expect(ratio, what).toBeGreaterThan(1 / factor);
  expect(ratio, what).toBeLessThan(factor);
}

function checkFixed(f: NamedFit, name: string, truth: number, designSeValue: number): Check {
  const r = f.row(name);
  const z = (r.mean - truth) / r.sd;
  expect(Math.abs(z), `${name}: ${r.mean} vs truth ${truth}, SE ${r.sd}`).toBeLessThan(Z);
  expectRatio(r.sd / designSeValue, 1.5, `${name}: SE ${r.sd} vs design SE ${designSeValue}`);
  return { name, truth, estimate: r.mean, se: r.sd, z, seRatio: r.sd / designSeValue };
}

/** A positive scale on the log scale, seLog the design SE of log(estimate). */
function checkScale(f: NamedFit, name: string, truth: number, seLog: number): Check {
  const r = f.row(name);
  const z = Math.log(r.mean / truth) / seLog;
  expect(Z * seLog, `${name}: the band must exclude a factor 2`).toBeLessThan(Math.log(2));
  expect(Math.abs(z), `${name}: ${r.mean} vs truth ${truth}, band x/${Math.exp(Z * seLog).toFixed(3)}`).toBeLessThan(Z);
  expectRatio(r.sd / (r.mean * seLog), 1.5, `${name}: SE ${r.sd} vs design ${r.mean * seLog}`);
  return { name, truth, estimate: r.mean, se: r.sd, z, seRatio: r.sd / (r.mean * seLog) };
}

/** A correlation on Fisher's z scale, seZ the design SE of atanh(estimate). */
function checkCorrelation(f: NamedFit, name: string, truth: number, seZ: number): Check {
  const r = f.row(name);
  const z = (Math.atanh(r.mean) - Math.atanh(truth)) / seZ;
  expect(Z * seZ, `${name}: the band must exclude the opposite sign`).toBeLessThan(2 * Math.atanh(Math.abs(truth)));
  expect(Math.abs(z), `${name}: ${r.mean} vs truth ${truth}`).toBeLessThan(Z);
  const design = (1 - r.mean ** 2) * seZ;
  expectRatio(r.sd / design, 1.5, `${name}: SE ${r.sd} vs design ${design}`);
  return { name, truth, estimate: r.mean, se: r.sd, z, seRatio: r.sd / design };
}

/** The measured numbers, printed with the test's output (the report quotes them). */
function show(title: string, checks: readonly Check[]): void {
  const line = (c: Check): string => `  ${c.name.padEnd(24)} truth ${c.truth.toFixed(3).padStart(6)}  est ${c.estimate.toFixed(4).padStart(7)}` +
    `  SE ${c.se.toFixed(4)}  z ${c.z.toFixed(2).padStart(5)}  SE/design ${c.seRatio.toFixed(3)}`;
  console.log(`${title}\n${checks.map(line).join('\n')}`);
}

const diag = (values: readonly number[]): number[][] => values.map((v, i) => values.map((_, l) => (i === l ? v : 0)));
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** One fit per data set, shared by the recovery and closed-form tests. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= make());
}

// ---------------------------------------------------------------------------------------------
// Data sets

/** A gaussian data set: the CSV, the rows for the design information and for the exact likelihood. */
interface GaussianData {
  readonly csv: string;
  readonly info: InfoRow[];
  readonly exact: LmmData;
}

/** Random slope: 40 groups x 25 rows, sd (Intercept) 1.0, sd x 0.5, correlation 0.4, sigma 0.7. */
const SLOPE = { G: 40, perGroup: 25, intercept: 2, x: -0.7, sd0: 1, sd1: 0.5, rho: 0.4, sigma: 0.7 };
function slopeData(): GaussianData {
  const t = SLOPE;
  const rng = createRng('formula-recovery-slope');
  const cols = { y: [] as number[], x: [] as number[], g: [] as string[] };
  const info: InfoRow[] = [];
  const exact = { y: [] as number[], X: [] as number[][], Z: [] as number[][], block: [] as number[] };
  for (let j = 0; j < t.G; j++) {
    const z0 = rng.normal();
    const z1 = rng.normal();
    const u0 = t.sd0 * z0;
    const u1 = t.sd1 * (t.rho * z0 + Math.sqrt(1 - t.rho ** 2) * z1);
    for (let r = 0; r < t.perGroup; r++) {
      const x = rng.normal();
      const y = t.intercept + u0 + (t.x + u1) * x + t.sigma * rng.normal();
      cols.y.push(y);
      cols.x.push(x);
      cols.g.push(label('g', j));
      info.push({ x: [1, x], z: [[2 * j, 1], [2 * j + 1, x]], w: 1 / t.sigma ** 2 });
      exact.y.push(y);
      exact.X.push([1, x]);
      exact.Z.push([1, x]);
      exact.block.push(j);
    }
  }
  return { csv: csvOf(cols), info, exact };
}
const SLOPE_SOURCE = `data { y: real  x: real  g: factor }
  model { y ~ gaussian(1 + x + (1 + x | g)) }`;
/** D of (1 + x | g) from (log sd0, log sd1, atanh rho). */
const slopeCovariance: CovarianceOf = ([a, b, c]) => {
  const [s0, s1, r] = [Math.exp(a), Math.exp(b), Math.tanh(c)];
  return [[s0 * s0, r * s0 * s1], [r * s0 * s1, s1 * s1]];
};

/** Nested: 40 levels of a, 3 of b in each (labelled b1..b3 in every a, so only a:b names a cell), 6 rows a cell. */
const NESTED = { A: 40, B: 3, perCell: 6, intercept: 3, x: 0.5, sdA: 0.8, sdAB: 0.4, sigma: 0.6 };
function nestedData(): GaussianData {
  const t = NESTED;
  const rng = createRng('formula-recovery-nested');
  const cols = { y: [] as number[], x: [] as number[], a: [] as string[], b: [] as string[] };
  const info: InfoRow[] = [];
  const exact = { y: [] as number[], X: [] as number[][], Z: [] as number[][], block: [] as number[] };
  for (let j = 0; j < t.A; j++) {
    const ua = t.sdA * rng.normal();
    for (let k = 0; k < t.B; k++) {
      const uab = t.sdAB * rng.normal();
      for (let r = 0; r < t.perCell; r++) {
        const x = rng.normal();
        const y = t.intercept + t.x * x + ua + uab + t.sigma * rng.normal();
        cols.y.push(y);
        cols.x.push(x);
        cols.a.push(label('a', j));
        cols.b.push(`b${k + 1}`);
        info.push({ x: [1, x], z: [[j, 1], [t.A + t.B * j + k, 1]], w: 1 / t.sigma ** 2 });
        // One block per level of a: its intercept, then an indicator for each of its cells.
        exact.y.push(y);
        exact.X.push([1, x]);
        exact.Z.push([1, ...Array.from({ length: t.B }, (_, c) => (c === k ? 1 : 0))]);
        exact.block.push(j);
      }
    }
  }
  return { csv: csvOf(cols), info, exact };
}
const NESTED_SOURCE = `data { y: real  x: real  a: factor  b: factor }
  model { y ~ gaussian(1 + x + (1 | a/b)) }`;
const nestedCovariance: CovarianceOf = ([a, b]) => diag([Math.exp(2 * a), ...new Array<number>(NESTED.B).fill(Math.exp(2 * b))]);

/** Random intercept, unbalanced: 14 groups of 2 to 30 rows, x varying within and between groups. */
const INTERCEPT = { sizes: [2, 3, 3, 4, 5, 6, 8, 9, 11, 13, 16, 20, 24, 30], intercept: 1, x: 0.5, tau: 0.8, sigma: 1.1 };
function interceptData(): GaussianData {
  const t = INTERCEPT;
  const rng = createRng('formula-closed-form');
  const cols = { y: [] as number[], x: [] as number[], g: [] as string[] };
  const exact = { y: [] as number[], X: [] as number[][], Z: [] as number[][], block: [] as number[] };
  t.sizes.forEach((n, j) => {
    const centre = rng.normal();
    const u = t.tau * rng.normal();
    for (let r = 0; r < n; r++) {
      const x = 0.8 * centre + rng.normal();
      const y = t.intercept + t.x * x + u + t.sigma * rng.normal();
      cols.y.push(y);
      cols.x.push(x);
      cols.g.push(label('g', j));
      exact.y.push(y);
      exact.X.push([1, x]);
      exact.Z.push([1]);
      exact.block.push(j);
    }
  });
  return { csv: csvOf(cols), info: [], exact };
}
const INTERCEPT_SOURCE = `data { y: real  x: real  g: factor }
  model { y ~ gaussian(1 + x + (1 | g)) }`;
const interceptCovariance: CovarianceOf = ([a]) => [[Math.exp(2 * a)]];

const slope = slopeData();
const nested = nestedData();
const intercept = interceptData();
const slopeMl = once(() => fitFormula(SLOPE_SOURCE, slope.csv, { ml: true }));
const nestedMl = once(() => fitFormula(NESTED_SOURCE, nested.csv, { ml: true }));
const interceptMl = once(() => fitFormula(INTERCEPT_SOURCE, intercept.csv, { ml: true }));

// ---------------------------------------------------------------------------------------------

describe('formula models fitted by maximum likelihood recover simulated parameters', () => {
  it('binomial: k ~ binomial(trials = n, 1 + x + f + (1 | g)), with R treatment contrasts for f', async () => {
    // 60 groups x 20 rows, 5 to 15 trials a row; f varies within groups. Its levels sort hi < lo < mid
    // as R sorts them, so R's columns are flo and fmid against the reference hi. Swapping the levels
    // (flo and fmid are 1.3 apart) or another reference (shifts of 0.8 or 0.5) is > 5 design SEs off.
    const rng = createRng('formula-recovery-binomial');
    const G = 60;
    const truth = { intercept: -0.3, x: 0.7, flo: 0.8, fmid: -0.5, sd: 0.5 };
    const levels = ['hi', 'lo', 'mid'] as const;
    const effect = { hi: 0, lo: truth.flo, mid: truth.fmid };
    const u = Array.from({ length: G }, () => truth.sd * rng.normal());
    const cols = { k: [] as number[], n: [] as number[], x: [] as number[], f: [] as string[], g: [] as string[] };
    const info: InfoRow[] = [];
    for (let j = 0; j < G; j++) {
      for (let r = 0; r < 20; r++) {
        const x = rng.normal();
        const f = levels[Math.floor(rng.uniform() * 3)];
        const n = 5 + Math.floor(rng.uniform() * 11);
        const p = invLogit(truth.intercept + truth.x * x + effect[f] + u[j]);
        cols.k.push(binomial(rng, n, p));
        cols.n.push(n);
        cols.x.push(x);
        cols.f.push(f);
        cols.g.push(label('g', j));
        info.push({ x: [1, x, f === 'lo' ? 1 : 0, f === 'mid' ? 1 : 0], z: [[j, 1]], w: n * p * (1 - p) });
      }
    }
    const source = `data { k: count  n: count  x: real  f: factor  g: factor }
      model { k ~ binomial(trials = n, 1 + x + f + (1 | g)) }`;
    const fit = await fitFormula(source, csvOf(cols), { ml: true });
    expect(fit.fit.warnings).toEqual([]);
    expect(fit.fit.summary.map((r) => r.name).filter((n) => !n.includes('['))).toEqual(['(Intercept)', 'x', 'flo', 'fmid']);

    const se = designSe(info, diag(new Array<number>(G).fill(1 / truth.sd ** 2)));
    expect(Z * Math.max(se[2], se[3])).toBeLessThan(0.5 / 2);
    // A level's sampling variance on the logit scale: 1 / (the sum of its rows' weights), averaged.
    const v = mean(Array.from({ length: G }, (_, j) => 1 / info.filter((r) => r.z[0][0] === j).reduce((s, r) => s + r.w, 0)));
    show('binomial (60 groups x 20 rows)', [
      checkFixed(fit, '(Intercept)', truth.intercept, se[0]),
      checkFixed(fit, 'x', truth.x, se[1]),
      checkFixed(fit, 'flo', truth.flo, se[2]),
      checkFixed(fit, 'fmid', truth.fmid, se[3]),
      checkScale(fit, 'sd[g, (Intercept)]', truth.sd, logSdSe(G, truth.sd, v)),
    ]);
  });

  // The pair is non-centred (u = diag(sd) L z); z is latent, so --ml integrates it out like lme4.
  it('gaussian with a correlated random slope: y ~ gaussian(1 + x + (1 + x | g))', async () => {
    const fit = await slopeMl();
    expect(fit.fit.warnings).toEqual([]);
    const t = SLOPE;
    const c = t.rho * t.sd0 * t.sd1;
    const block = [[t.sd0 ** 2, c], [c, t.sd1 ** 2]];
    const det = block[0][0] * block[1][1] - c * c;
    const blockInv = [[block[1][1] / det, -c / det], [-c / det, block[0][0] / det]];
    const dInv = Array.from({ length: 2 * t.G }, (_, i) => Array.from({ length: 2 * t.G }, (__, l) =>
      (Math.floor(i / 2) === Math.floor(l / 2) ? blockInv[i % 2][l % 2] : 0)));
    const se = designSe(slope.info, dInv);
    // Sampling variances of a group's intercept (sigma^2 / n) and slope (sigma^2 / sum of its x^2).
    const v0 = t.sigma ** 2 / t.perGroup;
    const v1 = mean(Array.from({ length: t.G }, (_, j) =>
      t.sigma ** 2 / slope.info.slice(j * t.perGroup, (j + 1) * t.perGroup).reduce((s, r) => s + r.x[1] ** 2, 0)));
    // Swapped slope and intercept (sds 1.0 and 0.5, fixed effects 2.7 apart) fail the sd and fixed bands.
    show('gaussian, correlated slope (40 groups x 25 rows)', [
      checkFixed(fit, '(Intercept)', t.intercept, se[0]),
      checkFixed(fit, 'x', t.x, se[1]),
      checkScale(fit, 'sd[g, (Intercept)]', t.sd0, logSdSe(t.G, t.sd0, v0)),
      checkScale(fit, 'sd[g, x]', t.sd1, logSdSe(t.G, t.sd1, v1)),
      checkCorrelation(fit, 'cor[g, (Intercept), x]', t.rho, (1 + Math.max(v0 / t.sd0 ** 2, v1 / t.sd1 ** 2)) / Math.sqrt(t.G - 3)),
      checkScale(fit, 'sigma', t.sigma, Math.sqrt(1 / (2 * (t.G * t.perGroup - 2 * t.G)))),
    ]);
  });

  it('nested: y ~ gaussian(1 + x + (1 | a/b)), with b labels reused across a', async () => {
    const fit = await nestedMl();
    expect(fit.fit.warnings).toEqual([]);
    const t = NESTED;
    // One random effect per a:b cell (a bug that grouped by b alone would have 3).
    expect(fit.fit.summary.filter((r) => r.name.startsWith('a:b[')).length).toBe(t.A * t.B);
    const se = designSe(nested.info, diag([...new Array<number>(t.A).fill(1 / t.sdA ** 2), ...new Array<number>(t.A * t.B).fill(1 / t.sdAB ** 2)]));
    // A cell's effect is measured with variance sigma^2 / 6, a level of a's with sdAB^2 / 3 + sigma^2 / 18;
    // the cells are compared within their level of a, which leaves A (B - 1) levels' worth of information on sdAB.
    const vAB = t.sigma ** 2 / t.perCell;
    const vA = t.sdAB ** 2 / t.B + t.sigma ** 2 / (t.B * t.perCell);
    show('nested gaussian (40 a x 3 b x 6 rows)', [
      checkFixed(fit, '(Intercept)', t.intercept, se[0]),
      checkFixed(fit, 'x', t.x, se[1]),
      checkScale(fit, 'sd[a, (Intercept)]', t.sdA, logSdSe(t.A, t.sdA, vA)),
      checkScale(fit, 'sd[a:b, (Intercept)]', t.sdAB, logSdSe(t.A * (t.B - 1), t.sdAB, vAB)),
      checkScale(fit, 'sigma', t.sigma, Math.sqrt(1 / (2 * (t.A * t.B * t.perCell - t.A * t.B)))),
    ]);
  });

  it('crossed: y ~ poisson(1 + x + (1 | s) + (1 | i))', async () => {
    // 40 subjects x 25 items, fully crossed, one count each.
    const rng = createRng('formula-recovery-crossed');
    const S = 40;
    const I = 25;
    const truth = { intercept: 0.5, x: 0.3, sdS: 0.6, sdI: 0.4 };
    const us = Array.from({ length: S }, () => truth.sdS * rng.normal());
    const ui = Array.from({ length: I }, () => truth.sdI * rng.normal());
    const cols = { y: [] as number[], x: [] as number[], s: [] as string[], i: [] as string[] };
    const info: InfoRow[] = [];
    for (let a = 0; a < S; a++) {
      for (let b = 0; b < I; b++) {
        const x = rng.normal();
        const mu = Math.exp(truth.intercept + truth.x * x + us[a] + ui[b]);
        cols.y.push(poisson(rng, mu));
        cols.x.push(x);
        cols.s.push(label('s', a));
        cols.i.push(label('i', b));
        info.push({ x: [1, x], z: [[a, 1], [S + b, 1]], w: mu });
      }
    }
    const source = `data { y: count  x: real  s: factor  i: factor }
      model { y ~ poisson(1 + x + (1 | s) + (1 | i)) }`;
    const fit = await fitFormula(source, csvOf(cols), { ml: true });
    expect(fit.fit.warnings).toEqual([]);
    const se = designSe(info, diag([...new Array<number>(S).fill(1 / truth.sdS ** 2), ...new Array<number>(I).fill(1 / truth.sdI ** 2)]));
    // A level's sampling variance on the log scale: 1 / (the sum of its rows' means), averaged over levels.
    const v = (term: number, from: number, n: number): number => mean(Array.from({ length: n }, (_, j) =>
      1 / info.filter((r) => r.z[term][0] === from + j).reduce((s, r) => s + r.w, 0)));
    show('crossed poisson (40 s x 25 i)', [
      checkFixed(fit, '(Intercept)', truth.intercept, se[0]),
      checkFixed(fit, 'x', truth.x, se[1]),
      checkScale(fit, 'sd[s, (Intercept)]', truth.sdS, logSdSe(S, truth.sdS, v(0, 0, S))),
      checkScale(fit, 'sd[i, (Intercept)]', truth.sdI, logSdSe(I, truth.sdI, v(1, S, I))),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

/** How a Glimmer quantity is read from the exact fit: its value and SE (lme4's GLS SE for a fixed effect; the delta method from the observed information for the rest). */
interface Mapped {
  readonly name: string;
  readonly value: number;
  readonly se: number;
  readonly scale: boolean;
}

function exactQuantities(exact: ExactLmmFit, psiNames: readonly { name: string; kind: 'logSd' | 'atanh' }[]): Mapped[] {
  const p = exact.beta.length;
  const seOf = (i: number): number => Math.sqrt(exact.covObserved[i][i]);
  return [
    ...exact.beta.map((b, i) => ({ name: i === 0 ? '(Intercept)' : 'x', value: b, se: exact.seGls[i], scale: false })),
    ...psiNames.map(({ name, kind }, k) => {
      const psi = exact.psi[k];
      return kind === 'logSd'
        ? { name, value: Math.exp(psi), se: Math.exp(psi) * seOf(p + k), scale: true }
        : { name, value: Math.tanh(psi), se: (1 - Math.tanh(psi) ** 2) * seOf(p + k), scale: false };
    }),
    { name: 'sigma', value: exact.sigma, se: exact.sigma * seOf(p + psiNames.length), scale: true },
  ];
}

/** The engine's ML fit against the exact maximum: estimates, SEs and the log likelihood. */
function expectClosedForm(fit: NamedFit, exact: ExactLmmFit, quantities: readonly Mapped[]): void {
  const lines: string[] = [];
  for (const q of quantities) {
    const r = fit.row(q.name);
    expect(Math.abs(r.mean - q.value) / q.se, `${q.name}: ${r.mean} vs exact ${q.value}`).toBeLessThan(1e-3);
    if (q.scale) expect(Math.abs(r.mean / q.value - 1), `${q.name}: ${r.mean} vs exact ${q.value}`).toBeLessThan(1e-4);
    expect(Math.abs(r.sd / q.se - 1), `${q.name}: SE ${r.sd} vs exact ${q.se}`).toBeLessThan(1e-3);
    lines.push(`  ${q.name.padEnd(24)} exact ${q.value.toFixed(6).padStart(10)} (SE ${q.se.toFixed(6)})  glimmer ${r.mean.toFixed(6).padStart(10)} (SE ${r.sd.toFixed(6)})` +
      `  diff/SE ${((r.mean - q.value) / q.se).toExponential(1)}  SE ratio-1 ${(r.sd / q.se - 1).toExponential(1)}`);
  }
  exact.seGls.forEach((s, i) => {
    const name = i === 0 ? '(Intercept)' : 'x';
    expect(Math.abs(fit.row(name).sd / s - 1), `${name}: SE vs GLS ${s}`).toBeLessThan(1e-3);
    lines.push(`  ${name.padEnd(24)} GLS SE (lme4's) ${s.toFixed(6)}, ratio-1 ${(fit.row(name).sd / s - 1).toExponential(2)}`);
  });
  const logLik = diagnosticsOf(fit.fit.diagnostics, 'ml').logLik;
  lines.push(`  logLik exact ${exact.logLik.toFixed(8)} glimmer ${logLik.toFixed(8)} diff ${(logLik - exact.logLik).toExponential(2)}`);
  console.log(lines.join('\n'));
  expect(Math.abs(logLik - exact.logLik)).toBeLessThan(1e-6);
}

describe('gaussian formula models: the ML fit is the closed-form maximum likelihood', () => {
  it('random intercept, unbalanced groups: y ~ gaussian(1 + x + (1 | g))', async () => {
    const fit = await interceptMl();
    expect(fit.fit.warnings).toEqual([]);
    const exact = new ExactLmm(intercept.exact, interceptCovariance).fit([0, 0]);
    console.log('random intercept (14 groups, 2 to 30 rows)');
    expectClosedForm(fit, exact, exactQuantities(exact, [{ name: 'sd[g, (Intercept)]', kind: 'logSd' }]));
  });

  it('correlated random slope: y ~ gaussian(1 + x + (1 + x | g))', async () => {
    const exact = new ExactLmm(slope.exact, slopeCovariance).fit([0, Math.log(0.5), 0, 0]);
    console.log('correlated slope (40 groups x 25 rows)');
    expectClosedForm(await slopeMl(), exact, exactQuantities(exact, [
      { name: 'sd[g, (Intercept)]', kind: 'logSd' }, { name: 'sd[g, x]', kind: 'logSd' }, { name: 'cor[g, (Intercept), x]', kind: 'atanh' }]));
  });

  it('nested: y ~ gaussian(1 + x + (1 | a/b))', async () => {
    const exact = new ExactLmm(nested.exact, nestedCovariance).fit([0, 0, 0]);
    console.log('nested (40 a x 3 b x 6 rows)');
    expectClosedForm(await nestedMl(), exact, exactQuantities(exact, [
      { name: 'sd[a, (Intercept)]', kind: 'logSd' }, { name: 'sd[a:b, (Intercept)]', kind: 'logSd' }]));
  });

  it('a Bayesian fit (NUTS, default priors) of the random-intercept model runs, near the ML estimates', async () => {
    // With 154 rows the weak default priors barely move the fixed effects: their posterior means are
    // within 0.25 posterior sd of the ML estimates. The sd of 14 groups has a skewed posterior whose
    // mean lies above the ML estimate (ML is biased low, the mean integrates the right tail): within
    // 1 posterior sd, as is sigma. Posterior sds within a factor 1.5 of the ML standard errors.
    const bayes = await fitFormula(INTERCEPT_SOURCE, intercept.csv, { ml: false, engine: 'nuts', seed: 3, settings: { chains: 2, warmup: 500, drawsPerChain: 1000 } });
    const ml = await interceptMl();
    const lines: string[] = [];
    for (const [name, within] of [['(Intercept)', 0.25], ['x', 0.25], ['sd[g, (Intercept)]', 1], ['sigma', 1]] as const) {
      const b = bayes.row(name);
      const m = ml.row(name);
      lines.push(`  ${name.padEnd(24)} posterior ${b.mean.toFixed(4)} (sd ${b.sd.toFixed(4)}, R-hat ${b.rhat?.toFixed(3)})  ML ${m.mean.toFixed(4)} (SE ${m.sd.toFixed(4)})` +
        `  diff/sd ${((b.mean - m.mean) / b.sd).toFixed(3)}`);
      expect(Math.abs(b.mean - m.mean) / b.sd, name).toBeLessThan(within);
      expectRatio(b.sd / m.sd, 1.5, `${name}: posterior sd ${b.sd} vs ML SE ${m.sd}`);
      expect(b.rhat!, name).toBeLessThan(1.01);
    }
    console.log(`Bayesian (NUTS) vs ML, random intercept\n${lines.join('\n')}`);
  });
});
