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

/** The hyperparameters of one block at theta: scales, locations, correlation and sqrt(1 - r^2). */
interface Hyper {
  readonly sd: Float64Array;
  readonly loc: Float64Array;
  readonly r: number;
  readonly s: number;
}

function hyperAt(b: Hierarchy, theta: Float64Array): Hyper {
  const sd = Float64Array.from(b.scales, (c) => Math.exp(theta[c]));
  const loc = Float64Array.from(b.locations, (c) => (c >= 0 ? theta[c] : 0));
  const r = b.correlation >= 0 ? 2 / (1 + Math.exp(-theta[b.correlation])) - 1 : 0;
  return { sd, loc, r, s: Math.sqrt(1 - r * r) };
}

/**
 * What the written effects of a level are, given the sampled ones (K = 1 or 2 terms), as one of four
 * maps; each has its inverse and its reverse-mode derivative below.
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

const lMul = (h: Hyper, z: Float64Array): void => {
  if (z.length === 2) z[1] = h.r * z[0] + h.s * z[1];
};
const lSolve = (h: Hyper, v: Float64Array): void => {
  if (v.length === 2) v[1] = (v[1] - h.r * v[0]) / h.s;
};

/** The written effects from the sampled ones, in place in x (length K). */
function forward(kind: MapKind, h: Hyper, x: Float64Array): void {
  const K = x.length;
  switch (kind) {
    case 'zFromM':
      for (let k = 0; k < K; k++) x[k] = (x[k] - h.loc[k]) / h.sd[k];
      lSolve(h, x);
      return;
    case 'uFromZ':
    case 'mFromZ':
      lMul(h, x);
      for (let k = 0; k < K; k++) x[k] = h.sd[k] * x[k] + (kind === 'mFromZ' ? h.loc[k] : 0);
      return;
    case 'uFromM':
      for (let k = 0; k < K; k++) x[k] -= h.loc[k];
  }
}

/** The sampled effects from the written ones, in place (the inverse of forward). */
function inverse(kind: MapKind, h: Hyper, x: Float64Array): void {
  const K = x.length;
  switch (kind) {
    case 'zFromM':
      lMul(h, x);
      for (let k = 0; k < K; k++) x[k] = h.sd[k] * x[k] + h.loc[k];
      return;
    case 'uFromZ':
    case 'mFromZ':
      for (let k = 0; k < K; k++) x[k] = (x[k] - (kind === 'mFromZ' ? h.loc[k] : 0)) / h.sd[k];
      lSolve(h, x);
      return;
    case 'uFromM':
      for (let k = 0; k < K; k++) x[k] += h.loc[k];
  }
}

/** log |d written / d sampled| per level: the change of variable's log-Jacobian is J times this. */
function logJacobianPerLevel(kind: MapKind, h: Hyper): number {
  if (kind === 'uFromM') return 0;
  let l = Math.log(h.s);
  for (const v of h.sd) l += Math.log(v);
  return kind === 'zFromM' ? -l : l;
}

/**
 * Reverse mode through one level's map: given the sampled effects `x`, the written ones `w` and the
 * gradient `gw` of the log density in the written effects, writes the gradient in the sampled effects
 * into `gx` and adds the hyperparameters' share to gScale (d/d log sd), gLoc and returns d/dr.
 */
function backward(kind: MapKind, h: Hyper, x: Float64Array, w: Float64Array, gw: Float64Array, gx: Float64Array,
  gScale: Float64Array, gLoc: Float64Array): number {
  const K = x.length;
  const { r, s } = h;
  if (kind === 'uFromM') {
    for (let k = 0; k < K; k++) {
      gx[k] = gw[k];
      gLoc[k] -= gw[k];
    }
    return 0;
  }
  if (kind === 'zFromM') {
    // v = (m - loc) / sd, z = L^-1 v: gv = L^-T gz.
    const gv1 = K === 2 ? gw[1] / s : 0;
    const gv0 = K === 2 ? gw[0] - (r * gw[1]) / s : gw[0];
    const gv = K === 2 ? [gv0, gv1] : [gv0];
    let gr = 0;
    for (let k = 0; k < K; k++) {
      const v = (x[k] - h.loc[k]) / h.sd[k];
      gx[k] = gv[k] / h.sd[k];
      gLoc[k] -= gv[k] / h.sd[k];
      gScale[k] -= gv[k] * v;
    }
    if (K === 2) {
      const v0 = (x[0] - h.loc[0]) / h.sd[0];
      gr = gw[1] * (-v0 / s + (w[1] * r) / (s * s));
    }
    return gr;
  }
  // uFromZ / mFromZ: v = L z, w = D v (+ loc): gv = D gw, gz = L^T gv.
  const gv = Float64Array.from({ length: K }, (_, k) => h.sd[k] * gw[k]);
  for (let k = 0; k < K; k++) {
    gScale[k] += gw[k] * (w[k] - (kind === 'mFromZ' ? h.loc[k] : 0));
    if (kind === 'mFromZ') gLoc[k] += gw[k];
  }
  if (K === 1) {
    gx[0] = gv[0];
    return 0;
  }
  gx[0] = gv[0] + r * gv[1];
  gx[1] = s * gv[1];
  return gv[1] * (x[0] - (r * x[1]) / s);
}

interface Active {
  readonly p: Reparam;
  readonly kind: MapKind;
}

const activeOf = (plan: readonly Reparam[]): Active[] => plan.filter((p) => !identity(p)).map((p) => ({ p, kind: mapKind(p) }));

/** Applies `map` to every level's effects of every active block (the hyperparameters are the same coordinates in both). */
function mapEffects(active: readonly Active[], from: Float64Array, map: typeof forward): Float64Array {
  const out = new Float64Array(from);
  for (const { p, kind } of active) {
    const h = hyperAt(p.block, from);
    const x = new Float64Array(p.block.effects.length);
    eachLevel(p.block, (coords) => {
      coords.forEach((c, k) => (x[k] = from[c]));
      map(kind, h, x);
      coords.forEach((c, k) => (out[c] = x[k]));
    });
  }
  return out;
}

/** The model's theta from a point in the sampled coordinates (the hyperparameters are the same in both). */
export function writtenTheta(plan: readonly Reparam[]): (t: Float64Array) => Float64Array {
  const active = activeOf(plan);
  return (t) => (active.length === 0 ? t : mapEffects(active, t, forward));
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
  const toWritten = (t: Float64Array): Float64Array => mapEffects(active, t, forward);
  const toSampled = (theta: Float64Array): Float64Array => mapEffects(active, theta, inverse);

  /** The gradient in t from the gradient in theta (in place), and the log-Jacobian. */
  const pullBack = (t: Float64Array, theta: Float64Array, grad: Float64Array): number => {
    let logJ = 0;
    for (const { p, kind } of active) {
      const b = p.block;
      const K = b.effects.length;
      const h = hyperAt(b, t);
      const J = b.effects[0].length;
      const gScale = new Float64Array(K);
      const gLoc = new Float64Array(K);
      let gr = 0;
      const x = new Float64Array(K);
      const w = new Float64Array(K);
      const gw = new Float64Array(K);
      const gx = new Float64Array(K);
      eachLevel(b, (coords) => {
        coords.forEach((c, k) => {
          x[k] = t[c];
          w[k] = theta[c];
          gw[k] = grad[c];
        });
        gr += backward(kind, h, x, w, gw, gx, gScale, gLoc);
        coords.forEach((c, k) => (grad[c] = gx[k]));
      });
      const perLevel = logJacobianPerLevel(kind, h);
      logJ += J * perLevel;
      const sign = kind === 'zFromM' ? -1 : kind === 'uFromM' ? 0 : 1;
      for (let k = 0; k < K; k++) {
        grad[b.scales[k]] += gScale[k] + sign * J;
        if (b.locations[k] >= 0) grad[b.locations[k]] += gLoc[k];
      }
      if (b.correlation >= 0 && K === 2) {
        const dLogS = (-h.r) / (h.s * h.s);
        // r = 2 sigmoid(theta) - 1: dr/dtheta = (1 - r^2) / 2.
        grad[b.correlation] += (gr + sign * J * dLogS) * (h.s * h.s) / 2;
      }
    }
    return logJ;
  };

  const valueAndGradInto = (t: Float64Array, grad: Float64Array): number => {
    const theta = toWritten(t);
    let value: number;
    if (ld.valueAndGradInto) value = ld.valueAndGradInto(theta, grad);
    else {
      const r = ld.valueAndGrad(theta);
      grad.set(r.grad);
      value = r.value;
    }
    return value + pullBack(t, theta, grad);
  };
  const valueAndGrad = (t: Float64Array): ValueAndGrad => {
    const grad = new Float64Array(dim);
    const value = valueAndGradInto(t, grad);
    return { value, grad };
  };
  const logJacobian = (t: Float64Array): number => active.reduce((acc, { p, kind }) => acc + p.block.effects[0].length * logJacobianPerLevel(kind, hyperAt(p.block, t)), 0);

  return {
    dim,
    thetaNames: ld.thetaNames,
    names: ld.names,
    latent: [],
    constant: ld.constant,
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

/** Calls f with the theta coordinates of each level's effects (one per term). */
function eachLevel(b: Hierarchy, f: (coords: readonly number[]) => void): void {
  const J = b.effects[0].length;
  const coords = new Array<number>(b.effects.length);
  for (let j = 0; j < J; j++) {
    for (let k = 0; k < b.effects.length; k++) coords[k] = b.effects[k][j];
    f(coords);
  }
}
