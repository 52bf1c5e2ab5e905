import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { createRng } from '../../../src/core/rng.js';
import { makeField } from '../../../src/engines/nested/field.js';
import { solveInner } from '../../../src/engines/nested/inner.js';
import { LaplaceMarginal, type MarginalPoint } from '../../../src/engines/nested/marginal.js';
import { SearchMetric } from '../../../src/engines/nested/metric.js';

/** A low-expression negative binomial gene: 6 cell groups x 12 patients x 40 cells, totals near 5,000, means near 0.3. */
function lowCounts(): string {
  const rng = createRng('search-metric');
  const u = Array.from({ length: 12 }, () => 0.4 * rng.normal());
  // The last group nearly silent (a count or two in all), as a rare cell type is.
  const beta = Array.from({ length: 6 }, (_, g) => (g === 5 ? -13 : -9.5 + 0.8 * rng.normal()));
  const rows = ['y,total,grp,patient'];
  for (let g = 0; g < 6; g++) {
    for (let p = 0; p < 12; p++) {
      for (let c = 0; c < 40; c++) {
        const total = Math.round(3000 + 4000 * rng.uniform());
        const mu = Math.exp(beta[g] + u[p]) * total;
        // Gamma(5, mu / 5) mixed Poisson (dispersion 5), by summing exponentials and inverting the Poisson cdf.
        let lambda = 0;
        for (let k = 0; k < 5; k++) lambda -= Math.log(rng.uniform());
        lambda *= mu / 5;
        let y = 0;
        let p0 = Math.exp(-lambda);
        let cdf = p0;
        const v = rng.uniform();
        while (v > cdf && y < 1000) {
          y++;
          p0 *= lambda / y;
          cdf += p0;
        }
        rows.push(`${y},${total},g${g},p${p}`);
      }
    }
  }
  return rows.join('\n');
}

const source = `data "x.csv" { y: count  total: positive  grp: factor  patient: factor }
parameters {
  sigma ~ HalfNormal(1)
  phi ~ Exponential(0.1)
  beta[grp] ~ Normal(0, 10)
  u[patient] ~ Normal(0, sigma)
}
model { y ~ NegativeBinomial(log_mean = beta[grp] + u[patient] + log(total), dispersion = phi) }`;

describe('the outer search of --ml', () => {
  it('whitens the fixed effects by their profile curvature: the coordinates and the gradient map consistently', () => {
    const rng = createRng('metric');
    const n = 5;
    const A = Array.from({ length: 3 }, () => Float64Array.from({ length: 3 }, () => rng.normal()));
    // K = A A' + I on coordinates 1, 3, 4 of five; 0 and 2 scaled by 0.5 and 3.
    const K = A.map((r) => Float64Array.from(A, (s) => r.reduce((t, v, k) => t + v * s[k], 0)));
    K.forEach((r, i) => (r[i] += 1));
    const scale = Float64Array.from([0.5, 1, 3, 1, 1]);
    const metric = SearchMetric.of(scale, { coords: [1, 3, 4], matrix: K });
    const phi = Float64Array.from({ length: n }, () => rng.normal());
    const back = metric.toPhi(metric.toPsi(phi));
    back.forEach((v, j) => expect(v).toBeCloseTo(phi[j], 12));
    // psi's metric is K's inverse image: psi' psi = phi_b' K phi_b + sum (phi_j / scale_j)^2.
    const psi = metric.toPsi(phi);
    const quad = [1, 3, 4].reduce((s, i, a) => s + [1, 3, 4].reduce((t, j, b) => t + phi[i] * K[a][b] * phi[j], 0), 0) + (phi[0] / 0.5) ** 2 + (phi[2] / 3) ** 2;
    expect(psi.reduce((s, v) => s + v * v, 0)).toBeCloseTo(quad, 10);
    // The chain rule: for f(phi) = c' phi, d f(T psi) / d psi = T' c, checked by differences in psi.
    const c = Float64Array.from({ length: n }, () => rng.normal());
    const f = (p: Float64Array): number => metric.toPhi(p).reduce((s, v, j) => s + v * c[j], 0);
    const g = metric.gradient(c);
    for (let j = 0; j < n; j++) {
      const e = Float64Array.from(psi);
      e[j] += 1e-6;
      expect((f(e) - f(psi)) / 1e-6).toBeCloseTo(g[j], 6);
    }
    // Not positive definite: scaled only.
    const plain = SearchMetric.of(scale, { coords: [1, 3, 4], matrix: K.map((r) => r.map((v) => -v)) });
    expect(Array.from(plain.toPsi(phi))).toEqual(Array.from(phi, (v, j) => v / scale[j]));
  });

  it('profile curvature of the fixed effects equals second differences of f maximised over the random effects', async () => {
    const ld = await compile(source, { data: lowCounts(), ml: true }).logDensity({ backend: 'js' });
    const field = makeField(ld, 'ml');
    const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
    const names = field.outer.map((c) => ld.thetaNames[c]);
    const phi = Float64Array.from(names, (n) => (n.startsWith('log(phi') ? Math.log(5) : n.startsWith('log(') ? Math.log(0.4) : -9.5));
    const at = L.at(phi) as MarginalPoint;
    const K = L.profileCurvature(at)!;
    expect(K.coords.length).toBe(6);
    // F(phi) = max_x f(phi, x), by the inner solve; its second differences along pairs of fixed effects.
    const F = (d: Float64Array): number => {
      const sol = solveInner(field, Float64Array.from(phi, (v, j) => v + d[j]), at.inner.x);
      if ('failure' in sol) throw new Error('inner solve failed');
      return sol.value;
    };
    const h = 1e-3;
    const shift = (i: number, a: number, j: number, b: number): Float64Array => {
      const d = new Float64Array(phi.length);
      d[K.coords[i]] += a;
      d[K.coords[j]] += b;
      return d;
    };
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j <= i; j++) {
        const second = (F(shift(i, h, j, h)) - F(shift(i, h, j, -h)) - F(shift(i, -h, j, h)) + F(shift(i, -h, j, -h))) / (4 * h * h);
        expect(Math.abs(-second - K.matrix[i][j]), `${i},${j}`).toBeLessThan(1e-4 * Math.sqrt(K.matrix[i][i] * K.matrix[j][j]));
      }
    }
  });
});
