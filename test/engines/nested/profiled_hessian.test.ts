import { describe, expect, it, vi } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { makeField } from '../../../src/engines/nested/field.js';
import { assemble, LaplaceMarginal, type MarginalPoint } from '../../../src/engines/nested/marginal.js';
import { compile } from '../../../src/api/compile.js';
import { maximiseMarginal } from '../../../src/engines/nested/maximise.js';
import { hessianOf } from '../../../src/engines/nested/outer_hessian.js';
import { startingPoint } from '../../../src/engines/nested/start.js';
import { loadModel } from '../../../src/io/load_model.js';
import { ROOT } from '../../helpers.js';

// Under ML the outer Hessian's columns along the fixed effects are the profile's exact curvature (the
// Schur complement) plus the log-determinant's part: in closed form, or by differences of its slopes at
// points moved along the tangent, without inner solves (outer_hessian.ts, profiledColumns). Against central differences of L's gradient with
// an inner solve at every shifted point and the trace terms from differences of the exact Hessian (not
// the one-pass slopes the profiled columns use): the definition, second order in the step.
const MODELS = [
  'test/battery/cbpp/model.glmm', 'test/battery/grouseticks/model.glmm', 'test/battery/poisson_year/model.glmm',
  'test/battery/seeds/model.glmm', 'test/models/negbin_offset.glmm', 'models/genes_nb.glmm', 'models/zeb2_formula.glmm',
];
const TOL = 2e-5;

async function atTheMode(file: string) {
  const ld = await loadModel(`${ROOT}${file}`, { ml: true }).logDensity({ backend: 'js' });
  const field = makeField(ld, 'ml');
  const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
  const start = startingPoint(field, L, createRng(1).child('init'));
  const mode = maximiseMarginal(L, start.phi);
  return { ld, field, L, mode };
}

function centralHessian(L: LaplaceMarginal, at: MarginalPoint, scale: Float64Array): Float64Array[] {
  L.differencedTraces = true;
  const p = at.inner.phi.length;
  const H = Array.from({ length: p }, (_, j) => {
    const h = 1e-3 * scale[j];
    const [plus, minus] = [h, -h].map((d) => {
      const phi = Float64Array.from(at.inner.phi);
      phi[j] += d;
      const pt = L.at(phi, at.inner.x);
      if ('failure' in pt) throw new Error('inner solve failed');
      return L.gradient(pt, scale);
    });
    return Float64Array.from(plus, (v, i) => (v - minus[i]) / (2 * h));
  });
  L.differencedTraces = false;
  return H;
}

// Two ways to the log-determinant's part: in closed form (LatentHessian.logDetHessian), and by differences
// of its slopes along each fixed effect, where the closed form is missing (forced here for every model).
// A nested design (two random effects per row: H off its diagonal) in closed form only: the differences'
// own error there is 2.6e-5 of an entry, past TOL.
const CASES = [...MODELS.flatMap((file) => [[file, 'closed'], [file, 'differenced']] as const), ['test/models/bernoulli_nested.glmm', 'closed'] as const];

describe('the ML outer Hessian along the fixed effects, profiled', () => {
  it.each(CASES)('%s (log det part %s): equals central differences of the gradient with inner solves, and solves only along the other coordinates', async (file, way) => {
    const { ld, field, L, mode } = await atTheMode(file);
    expect(field.cross).toBeDefined();
    // In closed form up to a field of 64 (H^-1 dense); grouseticks' 403 observation-level effects are past it.
    const closed = field.x.length <= 64;
    expect(L.logDetHessianOfCross(mode.point) !== undefined).toBe(closed);
    if (way === 'differenced') {
      const { logDetHessian: _dropped, ...without } = field.hessian;
      (field as { hessian: typeof field.hessian }).hessian = without;
      expect(L.logDetHessianOfCross(mode.point)).toBeUndefined();
    }
    const slopes = vi.spyOn(L, 'logDetSlopes');
    // Every fixed effect profiled: the Hessian's inner solves are the other coordinates' central differences.
    const before = L.evaluations;
    const hessian = hessianOf(L, { point: mode.point, grad: mode.grad }, mode.scale);
    expect(L.evaluations - before).toBe(2 * (field.outer.length - field.cross!.outer.length));
    // The closed form differences no slope; the other way, one at the mode and one per fixed effect.
    expect(slopes).toHaveBeenCalledTimes(way === 'closed' && closed ? 0 : 1 + field.cross!.outer.length);
    const reference = centralHessian(L, mode.point, mode.scale);
    const p = mode.phi.length;
    // A coordinate at the edge of its range (an sd at 0, a dispersion at the Poisson limit) is flat: its
    // curvature is rounding noise in both, and the covariance treats it so.
    const top = Math.max(...reference.map((r, i) => Math.abs(r[i])));
    const curved = reference.map((r, i) => Math.abs(r[i]) > 1e-6 * top);
    expect(curved.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        if (!curved[i] || !curved[j]) continue;
        const size = Math.sqrt(Math.abs(reference[i][i] * reference[j][j]));
        const name = `${ld.thetaNames[field.outer[i]]}, ${ld.thetaNames[field.outer[j]]}`;
        expect(Math.abs(hessian[i][j] - 0.5 * (reference[i][j] + reference[j][i])) / size, name).toBeLessThan(TOL);
      }
    }
    ld.dispose();
  }, 60_000);

  it('is tested where the log-determinant part is far above the tolerance (cbpp: 1.5% of an entry)', async () => {
    const { ld, L, mode } = await atTheMode('test/battery/cbpp/model.glmm');
    const reference = centralHessian(L, mode.point, mode.scale);
    const profile = L.profileCurvature(mode.point)!;
    let largest = 0;
    profile.coords.forEach((i, a) => profile.coords.forEach((j, b) => {
      const size = Math.sqrt(Math.abs(reference[i][i] * reference[j][j]));
      largest = Math.max(largest, Math.abs(-profile.matrix[a][b] - reference[i][j]) / size);
    }));
    // The Schur complement alone would miss by this much.
    expect(largest).toBeGreaterThan(100 * TOL);
    ld.dispose();
  }, 60_000);

  it("keeps a block whose curvature's slope is 0 on every row but its second slope is not (a logit at z = 0)", async () => {
    // Balanced binary data: in every (group, level) half the rows are 1, so at a = 0 the conditional mode
    // is u = 0 exactly, every predictor is 0, and w' = w(1 - 2p) vanishes while w'' = -w / 2 does not.
    const rows = Array.from({ length: 96 }, (_, i) => `${i % 2},k${(i >> 1) % 2},g${(i >> 2) % 8}`);
    const m = compile('data { y: binary k: factor g: factor } parameters { s ~ HalfNormal(1) a[k] ~ Normal(0, 10) u[g] ~ Normal(0, s) } ' +
      'model { y ~ Bernoulli(logit = a[k] + u[g]) }', { fileName: 't.glmm', data: { text: 'y,k,g\n' + rows.join('\n'), file: 't.csv' }, ml: true });
    const ld = await m.logDensity({ backend: 'js' });
    const field = makeField(ld, 'ml');
    const L = new LaplaceMarginal(field, new Float64Array(field.x.length));
    const phi = new Float64Array(field.outer.length);
    const at = L.at(phi, new Float64Array(field.x.length));
    if ('failure' in at) throw new Error('inner solve failed');
    expect(at.inner.x.every((v) => v === 0)).toBe(true);
    const closed = L.logDetHessianOfCross(at)!;
    // Against forward differences of the log-determinant's slopes along each fixed effect and its tangent.
    const base = L.logDetSlopes(at.inner.theta, at.inner.factor)!;
    const tangents = L.tangentsOfCross(at);
    const coords = field.cross!.outer;
    const h = 1e-5;
    const top = Math.max(...closed.flatMap((r) => Array.from(r, Math.abs)));
    expect(top).toBeGreaterThan(1e-3);
    coords.forEach((j, a) => {
      const moved = Float64Array.from(phi);
      moved[j] += h;
      const shifted = L.logDetSlopes(assemble(field, moved, Float64Array.from(at.inner.x, (v, k) => v + h * tangents[a][k])))!;
      coords.forEach((_, b) => expect(Math.abs(closed[b][a] - (shifted[b] - base[b]) / h) / top).toBeLessThan(1e-3));
    });
    ld.dispose();
  });
});
