import { f64Ops, type F64 } from './f64_ops.js';
import { digamma, tetragamma, trigamma } from '../math/special.js';
import type { Ops } from './ops.js';

/**
 * A truncated Taylor polynomial in one variable t (forward mode to third order): the value and the first
 * three derivatives d^k/dt^k, each a number or one value per row. Evaluating a catalog kernel on a jet
 * seeded (eta, 1, 0, 0) gives the likelihood's score, curvature and third derivative in its linear
 * predictor for every row at once, for every family the catalog holds, with no derivative written by hand
 * (Griewank & Walther 2008, ch. 13: univariate Taylor propagation).
 */
export interface Jet {
  readonly v: F64;
  /** null when the jet is a constant (all derivatives 0): most arguments are, and they skip the chain rule. */
  readonly d: readonly [F64, F64, F64] | null;
}

/** Raised for an operation whose higher derivatives the jets do not carry (lgamma of a varying argument). */
export class JetUnsupported extends Error {}

const o = f64Ops;
const each = (x: F64, f: (v: number) => number): F64 => (typeof x === 'number' ? f(x) : Float64Array.from(x, f));
/** A jet that does not vary: a number or one value per row. */
export const constantJet = (v: F64): Jet => ({ v, d: null });
const constant = constantJet;

export function seedJet(v: F64): Jet {
  return { v, d: [1, 0, 0] };
}

/**
 * f(g) for a unary f given f', f'', f''' at g.v (Faa di Bruno to third order):
 *   (f o g)' = f1 g1, (f o g)'' = f2 g1^2 + f1 g2, (f o g)''' = f3 g1^3 + 3 f2 g1 g2 + f1 g3.
 */
function compose(g: Jet, v: F64, f1: () => F64, f2: () => F64, f3: () => F64): Jet {
  if (g.d === null) return constant(v);
  const [g1, g2, g3] = g.d;
  const a1 = f1();
  const a2 = f2();
  const a3 = f3();
  const d1 = o.mul(a1, g1);
  const d2 = o.add(o.mul(a2, o.square(g1)), o.mul(a1, g2));
  const d3 = o.add(o.add(o.mul(a3, o.mul(g1, o.square(g1))), o.mul(o.c(3), o.mul(a2, o.mul(g1, g2)))), o.mul(a1, g3));
  return { v, d: [d1, d2, d3] };
}

function mul(a: Jet, b: Jet): Jet {
  const v = o.mul(a.v, b.v);
  if (a.d === null && b.d === null) return constant(v);
  const [a1, a2, a3] = a.d ?? [0, 0, 0];
  const [b1, b2, b3] = b.d ?? [0, 0, 0];
  // Leibniz: (ab)^(k) = sum_j C(k, j) a^(j) b^(k-j).
  const d1 = o.add(o.mul(a1, b.v), o.mul(a.v, b1));
  const d2 = o.add(o.add(o.mul(a2, b.v), o.mul(o.c(2), o.mul(a1, b1))), o.mul(a.v, b2));
  const d3 = o.add(o.add(o.mul(a3, b.v), o.mul(o.c(3), o.mul(a2, b1))), o.add(o.mul(o.c(3), o.mul(a1, b2)), o.mul(a.v, b3)));
  return { v, d: [d1, d2, d3] };
}

function linear(a: Jet, b: Jet, sign: 1 | -1): Jet {
  const v = sign === 1 ? o.add(a.v, b.v) : o.sub(a.v, b.v);
  if (a.d === null && b.d === null) return constant(v);
  const [a1, a2, a3] = a.d ?? [0, 0, 0];
  const [b1, b2, b3] = b.d ?? [0, 0, 0];
  const f = sign === 1 ? o.add : o.sub;
  return { v, d: [f(a1, b1), f(a2, b2), f(a3, b3)] };
}

function reciprocal(b: Jet): Jet {
  const r = o.div(1, b.v);
  return compose(b, r, () => o.neg(o.square(r)), () => o.mul(2, o.mul(r, o.square(r))), () => o.mul(-6, o.square(o.square(r))));
}

function sigmoidParts(x: F64): { s: F64; s1: F64 } {
  const s = o.sigmoid(x);
  return { s, s1: o.mul(s, o.sub(1, s)) };
}

export const jetOps: Ops<Jet> = {
  c: (x) => constant(x),
  add: (a, b) => linear(a, b, 1),
  sub: (a, b) => linear(a, b, -1),
  mul,
  div: (a, b) => (b.d === null ? mul(a, constant(o.div(1, b.v))) : mul(a, reciprocal(b))),
  neg: (a) => (a.d === null ? constant(o.neg(a.v)) : { v: o.neg(a.v), d: [o.neg(a.d[0]), o.neg(a.d[1]), o.neg(a.d[2])] }),
  exp: (a) => {
    const e = o.exp(a.v);
    return compose(a, e, () => e, () => e, () => e);
  },
  log: (a) => {
    const r = o.div(1, a.v);
    return compose(a, o.log(a.v), () => r, () => o.neg(o.square(r)), () => o.mul(2, o.mul(r, o.square(r))));
  },
  log1p: (a) => {
    const r = o.div(1, o.add(1, a.v));
    return compose(a, o.log1p(a.v), () => r, () => o.neg(o.square(r)), () => o.mul(2, o.mul(r, o.square(r))));
  },
  square: (a) => mul(a, a),
  sqrt: (a) => {
    const s = o.sqrt(a.v);
    // d/dx x^(1/2) = 1/(2s), then -1/(4 s^3), then 3/(8 s^5).
    return compose(a, s, () => o.div(0.5, s), () => o.div(-0.25, o.mul(s, o.square(s))), () => o.div(0.375, o.mul(s, o.square(o.square(s)))));
  },
  softplus: (a) => {
    const { s, s1 } = sigmoidParts(a.v);
    return compose(a, o.softplus(a.v), () => s, () => s1, () => o.mul(s1, o.sub(1, o.mul(2, s))));
  },
  sigmoid: (a) => {
    const { s, s1 } = sigmoidParts(a.v);
    // s' = s(1-s), s'' = s'(1-2s), s''' = s'(1 - 6s + 6s^2).
    return compose(a, s, () => s1, () => o.mul(s1, o.sub(1, o.mul(2, s))), () => o.mul(s1, o.add(o.sub(1, o.mul(6, s)), o.mul(6, o.square(s)))));
  },
  // d/dx lgamma = digamma, then trigamma and tetragamma: a Beta's lgamma(phi * inv_logit(eta)).
  lgamma: (a) => compose(a, o.lgamma(a.v), () => each(a.v, digamma), () => each(a.v, trigamma), () => each(a.v, tetragamma)),
  lgammaRatio: (y, phi) => {
    if (y.d !== null || phi.d !== null) throw new JetUnsupported('lgammaRatio of a varying argument');
    return constant(o.lgammaRatio(y.v, phi.v));
  },
  table: (tables, x) => {
    const n = tables.length;
    const [v, d1, d2, d3] = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const out = new Float64Array(4);
    for (let r = 0; r < n; r++) {
      tables[r].derivatives(typeof x.v === 'number' ? x.v : x.v[r], out);
      [v[r], d1[r], d2[r], d3[r]] = out;
    }
    return compose(x, v, () => d1, () => d2, () => d3);
  },
  table2: (tables, a, b) => {
    if (b.d !== null) throw new JetUnsupported('a two-variable table along its second variable');
    const n = tables.length;
    const [v, d1, d2, d3] = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const out = new Float64Array(4);
    for (let r = 0; r < n; r++) {
      tables[r].derivativesA(typeof a.v === 'number' ? a.v : a.v[r], typeof b.v === 'number' ? b.v : b.v[r], out);
      [v[r], d1[r], d2[r], d3[r]] = out;
    }
    return compose(a, v, () => d1, () => d2, () => d3);
  },
};
