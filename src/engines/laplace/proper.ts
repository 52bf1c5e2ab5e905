import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { InferenceError } from '../../core/errors.js';
import type { LogDensity } from '../../core/log_density.js';

/**
 * How far out a probe looks, in sds of the Gaussian at the mode along its direction: PROBE_SDS, or
 * fewer (down to MIN_SDS) where that would move theta by more than PROBE_THETA. A Gaussian falls by
 * t^2 / 2 nats at t sds (450 at 30, 4.5 at 3); a Cauchy matched to the same curvature by
 * log(1 + t^2 / 2) (6.1 at 30, 1.7 at 3). A drop of less than LEVEL nats is what no proper density
 * of the catalogue's families shows (the models in models/ drop by 330-600 nats at 30 sds).
 */
export const PROBE_SDS = 30;
const MIN_SDS = 3;
const PROBE_THETA = 1000;
const LEVEL = 1;
/** Coordinate probes beyond this many go to the coordinates with the largest sds (where flat ones are). */
const MAX_AXES = 64;

const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(3))) : String(v));

/** Names of the (up to three) coordinates that dominate a direction. */
function mostly(v: ArrayLike<number>, names: readonly string[]): string {
  const top = Math.max(...Array.from(v, Math.abs));
  return Array.from(v, (x, i) => [Math.abs(x), i]).sort((a, b) => b[0] - a[0]).filter(([x]) => x > 0.1 * top).slice(0, 3)
    .map(([, i]) => `'${names[i]}'`).join(', ');
}

/**
 * The flattest direction of the sd-scaled precision S = D P D (D = diag(P)^-1/2) by inverse iteration,
 * with its curvature in S: where only a combination of parameters is flat (a + b identified, a and b
 * not), no single coordinate shows it.
 */
function flattest(P: Float64Array[], d: Float64Array): { v: Float64Array; curvature: number } | null {
  if (!d.every(Number.isFinite)) return null;
  // (d_i d_j) x, not (x d_i) d_j: IEEE products commute but do not associate, and Cholesky wants exact symmetry.
  const S = new Matrix(P.map((r, i) => Array.from(r, (x, j) => d[i] * d[j] * x)));
  const chol = new CholeskyDecomposition(S);
  if (!chol.isPositiveDefinite()) return null;
  // A fixed start with no symmetry that could make it orthogonal to a ridge such as a + b.
  let v = Float64Array.from(P, (_, i) => 1 + 0.5 * Math.sin(1.7 * i + 1));
  for (let k = 0; k < 50; k++) {
    const next = chol.solve(Matrix.columnVector(Array.from(v))).getColumn(0);
    const norm = Math.hypot(...next);
    if (!(norm > 0) || !Number.isFinite(norm)) break;
    const done = next.every((x, i) => Math.abs(x / norm - v[i]) < 1e-10);
    v = Float64Array.from(next, (x) => x / norm);
    if (done) break;
  }
  const Sv = S.mmul(Matrix.columnVector(Array.from(v))).getColumn(0);
  return { v, curvature: Sv.reduce((s, x, i) => s + x * v[i], 0) };
}

/** The eigenvector of P's smallest eigenvalue, for a P that is not positive definite. */
function leastCurved(P: Float64Array[]): Float64Array {
  const eig = new EigenvalueDecomposition(new Matrix(P.map((r) => Array.from(r))), { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  return Float64Array.from(eig.eigenvectorMatrix.getColumn(values.indexOf(Math.min(...values))));
}

/** A direction to probe: one Gaussian sd along it in theta (null: no curvature to measure an sd by), and its name. */
export interface Probe {
  readonly sd: Float64Array | null;
  readonly unit: Float64Array;
  readonly names: string;
}

/** theta moves of the probe: t sds, t = PROBE_SDS capped so theta moves by at most PROBE_THETA, but at least MIN_SDS. */
function probeStep(p: Probe): Float64Array {
  if (!p.sd) return p.unit.map((x) => PROBE_THETA * x);
  const sd = p.sd;
  const t = Math.max(MIN_SDS, Math.min(PROBE_SDS, PROBE_THETA / Math.max(...sd.map(Math.abs))));
  return sd.map((x) => t * x);
}

/** Each coordinate alone (the MAX_AXES with the largest conditional sds), and the flattest combination. */
function probes(precision: Float64Array[], names: readonly string[]): Probe[] {
  const n = precision.length;
  const d = Float64Array.from(precision, (r, i) => 1 / Math.sqrt(r[i]));
  const axis = (i: number): Float64Array => Float64Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (Number.isFinite(d[b]) ? d[b] : Infinity) - (Number.isFinite(d[a]) ? d[a] : Infinity));
  const out: Probe[] = order.slice(0, MAX_AXES).map((i) => ({
    sd: Number.isFinite(d[i]) ? axis(i).map((x) => x * d[i]) : null, unit: axis(i), names: `'${names[i]}'`,
  }));
  const flat = flattest(precision, d);
  if (flat && flat.curvature > 0) {
    out.push({ sd: flat.v.map((x, i) => (x * d[i]) / Math.sqrt(flat.curvature)), unit: flat.v, names: mostly(flat.v, names) });
  } else if (!flat) {
    const v = leastCurved(precision);
    out.push({ sd: null, unit: v, names: mostly(v, names) });
  }
  return out;
}

/**
 * Checks that the posterior has a mode at `mode`, with precision P = -H there, by looking far out
 * along each coordinate and along the flattest combination of them: a level log density there means
 * an improper posterior (a flat prior on something no data pins down, or parameters of which only a
 * sum is identified); a rising one, that the optimizer stopped on a slope that goes on (complete
 * separation under a flat prior, a funnel). The curvature at the mode cannot tell these from a proper
 * but weakly identified direction; the value far out can, at 2 (d + 1) value evaluations.
 * Throws E506 or E507; returns quietly when the density falls off everywhere it looked.
 */
export function checkMode(ld: LogDensity, mode: Float64Array, valueAtMode: number, precision: Float64Array[]): void {
  checkProbes((points) => ld.valueBatch(points), mode, valueAtMode, probes(precision, ld.thetaNames));
}

/** Probes along single coordinates with the given sds (NaN or 0: no curvature to measure by). */
export function axisProbes(dim: number, axes: readonly { coord: number; sd: number; name: string }[]): Probe[] {
  return axes.map(({ coord, sd, name }) => {
    const unit = Float64Array.from({ length: dim }, (_, j) => (j === coord ? 1 : 0));
    return { sd: Number.isFinite(sd) && sd > 0 ? unit.map((x) => x * sd) : null, unit, names: `'${name}'` };
  });
}

/** The probes' verdict: quiet, or E506 (level) / E507 (rising) naming the direction. */
export function checkProbes(valueBatch: (points: Float64Array[]) => Float64Array, mode: Float64Array, valueAtMode: number, all: readonly Probe[]): void {
  if (all.length === 0) return;
  const steps = all.map(probeStep);
  const points = steps.flatMap((step) => [1, -1].map((s) => Float64Array.from(mode, (m, i) => m + s * step[i])));
  // An overflow (NaN or -Infinity) far out is the density falling off, as a proper one does.
  const drops = Array.from(valueBatch(points), (lp) => (Number.isNaN(lp) ? Infinity : valueAtMode - lp));
  const k = drops.indexOf(Math.min(...drops));
  const worst = drops[k];
  if (worst >= LEVEL) return;
  const { names } = all[k >> 1];
  const far = `a point ${fmt(Math.max(...steps[k >> 1].map(Math.abs)))} away in the unconstrained parameters`;
  if (worst > -LEVEL) {
    throw new InferenceError('E506', `the posterior is improper: along ${names} the log density is level ` +
      `(it changes by ${fmt(-worst)} between the mode and ${far}), so no prior and no data pin it down`,
      `give ${names} a proper prior (e.g. Normal(0, 10)), or drop parameters of which the data identify only a sum`);
  }
  throw new InferenceError('E507', `the optimizer found no maximum: the log density rises by ${fmt(-worst)} from where it stopped to ${far}, ` +
    `along ${names}`,
    'a flat prior on a parameter the data push towards infinity (e.g. complete separation in a logistic regression) makes the posterior improper: ' +
    'give it a proper prior; a variance running to 0 (a funnel) needs a non-centered parameterisation or --engine nuts');
}
