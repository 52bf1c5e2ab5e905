import type { Rng } from '../../core/rng.js';
import { assemble, type Field } from './field.js';
import type { Grid } from './grid.js';
import type { LaplaceMarginal } from './marginal.js';
import { meanShift } from './inner.js';

/** The grid's normalised weights: pi(phi | y) at each point (corrected by its check, if any) times the grid map's Jacobian, over the proposal's density for a random design. */
export function gridWeights(grid: Grid, corrected = true): Float64Array {
  const lw = grid.points.map((p) => p.value + (corrected ? p.delta : 0) + grid.logJacobian(p.z) - (p.logProposal ?? 0));
  const top = Math.max(...lw);
  const w = Float64Array.from(lw, (v) => Math.exp(v - top));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/** Systematic resampling: how many of n draws each point gets (one uniform; low variance, seeded). */
export function allocate(weights: Float64Array, n: number, rng: Rng): Int32Array {
  const counts = new Int32Array(weights.length);
  const u = rng.uniform();
  let cum = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const target = (u + i) / n;
    while (k < weights.length - 1 && cum + weights[k] < target) cum += weights[k++];
    counts[k]++;
  }
  return counts;
}

/**
 * Draws from the nested approximation: a grid point by its weight, phi jittered around it by the
 * variance-preserving kernel of Liu & West (2001) in z (shrink towards the weighted mean by a, add
 * N(0, h^2 C)), so that phi's marginals are smooth and keep the grid's mean and variance; then
 * x ~ N(x-hat + shift, H^-1) at that point (the latent field's Gaussian, its mean corrected for skewness
 * by inner.ts's meanShift, mixed over the grid).
 */
export function drawMixture(field: Field, L: LaplaceMarginal, grid: Grid, weights: Float64Array, scale: Float64Array, rng: Rng, n: number): { draws: Float64Array[]; from: Int32Array } {
  const p = field.outer.length;
  const counts = allocate(weights, n, rng.child('allocate'));
  const mean = new Float64Array(p);
  const variance = new Float64Array(p);
  grid.points.forEach((pt, k) => pt.z.forEach((v, j) => (mean[j] += weights[k] * v)));
  grid.points.forEach((pt, k) => pt.z.forEach((v, j) => (variance[j] += weights[k] * (v - mean[j]) ** 2)));
  // A narrow kernel: x is drawn from the grid point's Gaussian, its mean moved along the tangents
  // dx-hat/dphi to the jittered phi, which is exact to first order only.
  const h = p === 0 ? 0 : Math.min(0.3, grid.step / 4);
  const a = Math.sqrt(1 - h * h);
  const jitter = rng.child('jitter');
  const latent = rng.child('latent');
  const draws: Float64Array[] = [];
  const from = new Int32Array(n);
  grid.points.forEach((pt, k) => {
    if (counts[k] === 0) return;
    const sol = L.at(pt.phi, pt.x);
    if ('failure' in sol) throw new Error('the inner solve failed at a grid point it had solved before');
    const { factor } = sol.inner;
    const shift = meanShift(field, sol.inner);
    const x = sol.inner.x.map((v, j) => v + shift[j]);
    const tangents = p === 0 ? [] : L.tangents(sol, scale);
    for (let i = 0; i < counts[k]; i++) {
      const z = Float64Array.from(pt.z, (v, j) => a * v + (1 - a) * mean[j] + h * Math.sqrt(variance[j]) * jitter.normal());
      const phi = p === 0 ? pt.phi : grid.toPhi(z);
      const dx = factor.drawFromStandard(Float64Array.from(x, () => latent.normal()));
      const xi = Float64Array.from(x, (v, j) => v + dx[j]);
      tangents.forEach((t, c) => {
        const d = phi[c] - pt.phi[c];
        for (let j = 0; j < xi.length; j++) xi[j] += d * t[j];
      });
      from[draws.length] = k;
      draws.push(assemble(field, phi, xi));
    }
  });
  return { draws, from };
}
