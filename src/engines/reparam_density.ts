import type { Hierarchy, LogDensity, ValueAndGrad } from '../core/log_density.js';

/**
 * The form a hierarchy is sampled in: its standardised effects z (non-centred), its group coefficients
 * m = loc + D L z (centred, with the location folded in: hierarchical centring, Gelfand, Sahu & Carlin 1995),
 * or as the model writes it. Which samples better depends on how strongly the data inform each group
 * (reparam_choice.ts).
 */
export type SampledForm = 'standardised' | 'centred' | 'written';

export interface Reparam {
  readonly block: Hierarchy;
  readonly sampled: SampledForm;
}

/** Written and sampled the same way: nothing to change. */
function identity(p: Reparam): boolean {
  const { written, locationIn, locations } = p.block;
  if (p.sampled === 'written') return true;
  if (written === 'standardised') return p.sampled === 'standardised';
  if (p.sampled === 'standardised') return false;
  // Written u = m - loc: sampling m changes something only when there is a location to fold in.
  return locationIn === 'prior' || locations.every((l) => l < 0);
}

/** The hyperparameters of one block at theta: scales, locations, correlation and s = sqrt(1 - r^2). */
interface Hyper {
  readonly sd0: number;
  readonly sd1: number;
  readonly loc0: number;
  readonly loc1: number;
  readonly r: number;
  readonly s: number;
}

function hyperAt(b: Hierarchy, theta: Float64Array): Hyper {
  const K = b.effects.length;
  const r = b.correlation >= 0 ? 2 / (1 + Math.exp(-theta[b.correlation])) - 1 : 0;
  return {
    sd0: Math.exp(theta[b.scales[0]]),
    sd1: K === 2 ? Math.exp(theta[b.scales[1]]) : 1,
    loc0: b.locations[0] >= 0 ? theta[b.locations[0]] : 0,
    loc1: K === 2 && b.locations[1] >= 0 ? theta[b.locations[1]] : 0,
    r,
    s: Math.sqrt(1 - r * r),
  };
}

/**
 * What the written effects of a level are, given the sampled ones (K = 1 or 2 terms), as one of four
 * maps; each has its inverse and its reverse-mode derivative below. L = [[1, 0], [r, s]], D = diag(sd).
 *   zFromM: written z, sampled m:  z = L^-1 D^-1 (m - loc)
 *   uFromZ: written u, sampled z:  u = D L z
 *   mFromZ: written m, sampled z:  m = loc + D L z
 *   uFromM: written u, sampled m:  u = m - loc
 */
type MapKind = 'zFromM' | 'uFromZ' | 'mFromZ' | 'uFromM';

function mapKind(p: Reparam): MapKind {
  if (p.block.written === 'standardised') return 'zFromM';
  if (p.sampled === 'centred') return 'uFromM';
  return p.block.locationIn === 'prior' ? 'mFromZ' : 'uFromZ';
}

/** One block to map: its kind and its effects' coordinates by term (e1 empty for one term). */
interface Active {
  readonly p: Reparam;
  readonly kind: MapKind;
  readonly J: number;
  readonly two: boolean;
  readonly e0: Int32Array;
  readonly e1: Int32Array;
}

const activeOf = (plan: readonly Reparam[]): Active[] => plan.filter((p) => !identity(p)).map((p) => ({
  p, kind: mapKind(p), J: p.block.effects[0].length, two: p.block.effects.length === 2,
  e0: Int32Array.from(p.block.effects[0]), e1: Int32Array.from(p.block.effects[1] ?? []),
}));

/**
 * Writes the written effects (forward) or the sampled ones (inverse) of every active block into `out`,
 * from `from`; the hyperparameters are the same coordinates in both. Scalar loops: this runs at every
 * gradient of a sampler.
 */
function mapEffects(active: readonly Active[], from: Float64Array, out: Float64Array, inverse: boolean): void {
  for (const a of active) {
    const h = hyperAt(a.p.block, from);
    const { sd0, sd1, loc0, loc1, r, s } = h;
    const centred = a.kind === 'zFromM' ? !inverse : inverse;
    for (let j = 0; j < a.J; j++) {
      const c0 = a.e0[j];
      const c1 = a.two ? a.e1[j] : -1;
      const x0 = from[c0];
      const x1 = a.two ? from[c1] : 0;
      if (a.kind === 'uFromM') {
        // u = m - loc, or back.
        out[c0] = inverse ? x0 + loc0 : x0 - loc0;
        if (a.two) out[c1] = inverse ? x1 + loc1 : x1 - loc1;
        continue;
      }
      const shift0 = a.kind === 'uFromZ' ? 0 : loc0;
      const shift1 = a.kind === 'uFromZ' ? 0 : loc1;
      if (centred) {
        // From m (or u, m) to z: v = (m - loc) / sd, z = L^-1 v.
        const v0 = (x0 - shift0) / sd0;
        out[c0] = v0;
        if (a.two) out[c1] = ((x1 - shift1) / sd1 - r * v0) / s;
      } else {
        // From z to m (or u): m = loc + D L z.
        out[c0] = shift0 + sd0 * x0;
        if (a.two) out[c1] = shift1 + sd1 * (r * x0 + s * x1);
      }
    }
  }
}

/** log |d written / d sampled| per level: the change of variable's log-Jacobian is J times this. */
function logJacobianPerLevel(a: Active, h: Hyper): number {
  if (a.kind === 'uFromM') return 0;
  const l = Math.log(h.sd0) + (a.two ? Math.log(h.sd1) + Math.log(h.s) : 0);
  return a.kind === 'zFromM' ? -l : l;
}

/**
 * The gradient in the sampled coordinates t from the gradient in theta (in place in grad), by reverse
 * mode through each level's map; returns the log-Jacobian. The hyperparameters collect their share:
 * d/d log sd, d/d loc, and d/dr through r = 2 sigmoid(theta) - 1.
 */
function pullBack(active: readonly Active[], t: Float64Array, theta: Float64Array, grad: Float64Array): number {
  let logJ = 0;
  for (const a of active) {
    const b = a.p.block;
    const h = hyperAt(b, t);
    const { sd0, sd1, loc0, loc1, r, s } = h;
    let gS0 = 0;
    let gS1 = 0;
    let gL0 = 0;
    let gL1 = 0;
    let gr = 0;
    for (let j = 0; j < a.J; j++) {
      const c0 = a.e0[j];
      const c1 = a.two ? a.e1[j] : -1;
      const g0 = grad[c0];
      const g1 = a.two ? grad[c1] : 0;
      if (a.kind === 'uFromM') {
        grad[c0] = g0;
        gL0 -= g0;
        if (a.two) gL1 -= g1;
        continue;
      }
      if (a.kind === 'zFromM') {
        // v = (m - loc) / sd, z = L^-1 v: gv = L^-T gz; d z1 / dr = -v0 / s + z1 r / s^2.
        const gv1 = a.two ? g1 / s : 0;
        const gv0 = a.two ? g0 - (r * g1) / s : g0;
        const v0 = (t[c0] - loc0) / sd0;
        grad[c0] = gv0 / sd0;
        gL0 -= gv0 / sd0;
        gS0 -= gv0 * v0;
        if (a.two) {
          const v1 = (t[c1] - loc1) / sd1;
          grad[c1] = gv1 / sd1;
          gL1 -= gv1 / sd1;
          gS1 -= gv1 * v1;
          gr += g1 * (-v0 / s + (theta[c1] * r) / (s * s));
        }
        continue;
      }
      // uFromZ / mFromZ: v = L z, w = D v (+ loc): gv = D gw, gz = L^T gv; d v1 / dr = z0 - r z1 / s.
      const shift0 = a.kind === 'mFromZ' ? loc0 : 0;
      const shift1 = a.kind === 'mFromZ' ? loc1 : 0;
      gS0 += g0 * (theta[c0] - shift0);
      if (a.kind === 'mFromZ') gL0 += g0;
      if (!a.two) {
        grad[c0] = sd0 * g0;
        continue;
      }
      gS1 += g1 * (theta[c1] - shift1);
      if (a.kind === 'mFromZ') gL1 += g1;
      const gv0 = sd0 * g0;
      const gv1 = sd1 * g1;
      grad[c0] = gv0 + r * gv1;
      grad[c1] = s * gv1;
      gr += gv1 * (t[c0] - (r * t[c1]) / s);
    }
    const J = a.J;
    logJ += J * logJacobianPerLevel(a, h);
    // The log-Jacobian's own derivatives: -J (zFromM) or +J (z to u, m) per log sd, and J log s in r.
    const sign = a.kind === 'zFromM' ? -1 : a.kind === 'uFromM' ? 0 : 1;
    grad[b.scales[0]] += gS0 + sign * J;
    if (b.locations[0] >= 0) grad[b.locations[0]] += gL0;
    if (a.two) {
      grad[b.scales[1]] += gS1 + sign * J;
      if (b.locations[1] >= 0) grad[b.locations[1]] += gL1;
      if (b.correlation >= 0) grad[b.correlation] += (gr - (sign * J * r) / (s * s)) * (s * s) / 2;
    }
  }
  return logJ;
}

/** The model's theta from a point in the sampled coordinates (the hyperparameters are the same in both). */
export function writtenTheta(plan: readonly Reparam[]): (t: Float64Array) => Float64Array {
  const active = activeOf(plan);
  return (t) => {
    if (active.length === 0) return t;
    const out = new Float64Array(t);
    mapEffects(active, t, out, false);
    return out;
  };
}

/**
 * The same posterior in other coordinates: each listed hierarchy's effects sampled in the given form, the
 * change of variable's log-Jacobian added to the value, and the draws mapped back to the model's theta by
 * `constrain` (so summaries, R-hat and ESS see the parameters the model declares). Every other coordinate
 * is unchanged. Only value, gradient and the constraint maps are carried over: the Laplace engines, which
 * need the rest, are the same in any parametrisation.
 */
export function reparamDensity(ld: LogDensity, plan: readonly Reparam[]): LogDensity {
  const active = activeOf(plan);
  if (active.length === 0) return ld;
  const dim = ld.dim;
  const toWritten = (t: Float64Array): Float64Array => {
    const out = new Float64Array(t);
    mapEffects(active, t, out, false);
    return out;
  };
  const toSampled = (theta: Float64Array): Float64Array => {
    const out = new Float64Array(theta);
    mapEffects(active, theta, out, true);
    return out;
  };
  // The sampler's hot path reuses one theta buffer (calls do not nest).
  const buffer = new Float64Array(dim);
  const valueAndGradInto = (t: Float64Array, grad: Float64Array): number => {
    buffer.set(t);
    mapEffects(active, t, buffer, false);
    let value: number;
    if (ld.valueAndGradInto) value = ld.valueAndGradInto(buffer, grad);
    else {
      const res = ld.valueAndGrad(buffer);
      grad.set(res.grad);
      value = res.value;
    }
    return value + pullBack(active, t, buffer, grad);
  };
  const valueAndGrad = (t: Float64Array): ValueAndGrad => {
    const grad = new Float64Array(dim);
    const value = valueAndGradInto(t, grad);
    return { value, grad };
  };
  const logJacobian = (t: Float64Array): number => active.reduce((acc, a) => acc + a.J * logJacobianPerLevel(a, hyperAt(a.p.block, t)), 0);

  return {
    dim,
    thetaNames: ld.thetaNames,
    names: ld.names,
    latent: [],
    constant: ld.constant,
    rows: ld.rows,
    valueAndGrad,
    valueAndGradInto,
    valueAndGradBatch: (ts) => ts.map(valueAndGrad),
    valueBatch: (ts) => {
      const values = ld.valueBatch(ts.map(toWritten));
      return values.map((v, i) => v + logJacobian(ts[i]));
    },
    constrain: (t) => ld.constrain(toWritten(t)),
    unconstrain: (values) => toSampled(ld.unconstrain(values)),
    explainNonFinite: ld.explainNonFinite ? (t) => ld.explainNonFinite!(toWritten(t)) : undefined,
    dispose: () => {},
  };
}
