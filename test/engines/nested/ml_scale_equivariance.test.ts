import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit, type Fit } from '../../../src/api/infer.js';
import { createRng } from '../../../src/core/rng.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';

/*
 * Maximum likelihood and REML are equivariant: with y' = a + b y (or x' = x / c) the estimates move
 * exactly (intercept a + b beta0, slope b beta1 (or c beta1), sds and sigma times b) and the
 * log-likelihood by -n log b (REML's by -(n - p) log b + log c). The same model fitted to the same data in other units must give the same
 * answer in those units. Data in the 1e5s, the 1e-4s and a covariate in the 1e-6s each broke a different
 * part of the outer search (a start on the plateau, SEs reported as boundaries, a slope's scale capped).
 */
const rng = createRng('ml-scale-equivariance');
const G = 20;
const PER = 15;
const rows: { y: number; x: number; g: string }[] = [];
for (let j = 0; j < G; j++) {
  const u0 = 0.8 * rng.normal();
  const u1 = 0.3 * rng.normal();
  for (let i = 0; i < PER; i++) {
    const x = rng.normal();
    rows.push({ y: 1 + 0.5 * x + u0 + u1 * x + 0.7 * rng.normal(), x, g: `g${String(j).padStart(2, '0')}` });
  }
}
const csv = (a: number, b: number, c: number): string =>
  ['y,x,g', ...rows.map((r) => `${a + b * r.y},${r.x / c},${r.g}`)].join('\n');

const model = `data "data.csv" { y: real  x: real  g: factor }
model { y ~ gaussian(1 + x + (1 + x | g)) }`;

async function fit(a: number, b: number, c: number, reml: boolean): Promise<Fit> {
  return inferFit(compile(model, { data: csv(a, b, c), ml: true, reml }), { engine: 'laplace' });
}

const est = (f: Fit, name: string): { mean: number; sd: number } => {
  const row = f.summary.find((r) => r.name === name);
  if (!row) throw new Error(`no row '${name}'`);
  return { mean: row.mean, sd: row.sd };
};

describe.each([false, true])('ML/REML scale equivariance (reml = %s)', (reml) => {
  it.each([
    ['y in the 1e5s', 1e5, 1e3, 1],
    ['y in the 1e-4s', 0, 1e-4, 1],
    ['x in the 1e-6s', 0, 1, 1e6],
  ])('%s: the unit-scale fit, moved into those units, within 0.01 SE', async (_what, a, b, c) => {
    const base = await fit(0, 1, 1, reml);
    const moved = await fit(a, b, c, reml);
    expect(moved.warnings).toEqual(base.warnings);
    const expected: [string, number, number][] = [
      ['(Intercept)', a + b * est(base, '(Intercept)').mean, b],
      ['x', b * c * est(base, 'x').mean, b * c],
      ['sd[g, (Intercept)]', b * est(base, 'sd[g, (Intercept)]').mean, b],
      ['sd[g, x]', b * c * est(base, 'sd[g, x]').mean, b * c],
      ['cor[g, (Intercept), x]', est(base, 'cor[g, (Intercept), x]').mean, 1],
      ['sigma', b * est(base, 'sigma').mean, b],
    ];
    for (const [name, value, factor] of expected) {
      const baseSe = est(base, name).sd;
      expect(Number.isFinite(est(moved, name).sd), `${name} has an SE`).toBe(true);
      expect(Math.abs(est(moved, name).mean - value) / (factor * baseSe), name).toBeLessThan(0.01);
      expect(est(moved, name).sd / (factor * baseSe), `${name} SE`).toBeCloseTo(1, 2);
    }
    // REML's likelihood is that of n - p error contrasts, and integrating the fixed effects out adds
    // -1/2 log det X'V^-1 X, which a column of X divided by c raises by log c.
    const n = rows.length;
    const shift = reml ? -(n - 2) * Math.log(b) + Math.log(c) : -n * Math.log(b);
    expect(Number(diagnosticsOf(moved.diagnostics, 'ml').logLik)).toBeCloseTo(Number(diagnosticsOf(base.diagnostics, 'ml').logLik) + shift, 2);
  }, 60_000);
});
