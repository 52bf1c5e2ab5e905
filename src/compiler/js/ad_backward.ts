import type { F64 } from '../../distributions/f64_ops.js';
import { digamma, lgammaRatioDphi, lgammaRatioDy } from '../../math/special.js';
import { type AdNode, type Arena, Op } from './ad_node.js';
import { pairwise } from './ad_ops.js';

/** g[i] *= k * m[i] / q[i] (m, q null for 1), in place. */
function scaleInPlace(g: Float64Array, k: number, m: Float64Array | null, q: Float64Array | null): void {
  const n = g.length;
  if (m === null && q === null) {
    if (k !== 1) for (let i = 0; i < n; i++) g[i] *= k;
  } else if (q === null) {
    const mm = m as Float64Array;
    for (let i = 0; i < n; i++) g[i] = k * g[i] * mm[i];
  } else if (m === null) {
    for (let i = 0; i < n; i++) g[i] = (k * g[i]) / q[i];
  } else {
    for (let i = 0; i < n; i++) g[i] = (k * g[i] * m[i]) / q[i];
  }
}

/**
 * p.adjoint += k * g * m / q elementwise, where g is the adjoint flowing back and m, q (null for 1) are
 * the factors of the local derivative. A scalar parent used against an array output receives the sum
 * over elements: broadcasting copied it to every element, so every element's adjoint flows back to it.
 * With `steal`, an array parent that has no adjoint yet takes g's buffer and scales it in place: g is
 * dead once its node has been visited, and passing it on saves a buffer and a pass over the rows (for
 * add, and sub's first operand, all the work). Only the node's last operand may steal, after the others
 * have read g.
 */
function acc(p: AdNode, g: F64, k: number, m: F64 | null, q: F64 | null, arena: Arena, steal: boolean): void {
  if (!p.live) return;
  if (typeof g === 'number') {
    // A scalar output has scalar operands only.
    p.adj += (k * g * ((m as number | null) ?? 1)) / ((q as number | null) ?? 1);
    return;
  }
  const n = g.length;
  if (typeof m === 'number') {
    k *= m;
    m = null;
  }
  if (typeof q === 'number') {
    k /= q;
    q = null;
  }
  const scalar = typeof p.value === 'number';
  if (steal && !scalar && p.adjArr === null) {
    p.adjArr = g;
    scaleInPlace(g, k, m, q);
    return;
  }
  const pa = scalar ? null : (p.adjArr ??= arena.zeros(n));
  let t = 0;
  if (m === null && q === null) {
    if (pa) for (let i = 0; i < n; i++) pa[i] += k * g[i];
    else for (let i = 0; i < n; i++) t += g[i];
  } else if (q === null) {
    const mm = m as Float64Array;
    if (pa) for (let i = 0; i < n; i++) pa[i] += k * g[i] * mm[i];
    else for (let i = 0; i < n; i++) t += g[i] * mm[i];
  } else if (m === null) {
    if (pa) for (let i = 0; i < n; i++) pa[i] += (k * g[i]) / q[i];
    else for (let i = 0; i < n; i++) t += g[i] / q[i];
  } else {
    if (pa) for (let i = 0; i < n; i++) pa[i] += (k * g[i] * m[i]) / q[i];
    else for (let i = 0; i < n; i++) t += (g[i] * m[i]) / q[i];
  }
  if (!pa) p.adj += k * t;
}

/** f'(x) for the ops whose derivative is not a product or quotient of values already at hand. */
function derivScalar(op: number, x: number, y: number): number {
  switch (op) {
    case Op.log1p: return 1 / (1 + x);
    case Op.softplus: return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)); // sigmoid(x)
    case Op.sigmoid: return y * (1 - y);
    default: return digamma(x); // lgamma
  }
}

function deriv(op: number, x: F64, y: F64, arena: Arena): F64 {
  if (typeof x === 'number') return derivScalar(op, x, y as number);
  const ys = y as Float64Array;
  const out = arena.take(x.length);
  for (let i = 0; i < x.length; i++) out[i] = derivScalar(op, x[i], ys[i]);
  return out;
}

/** Sends a node's adjoint to its operands. Nodes nothing flowed back into are skipped. */
export function backwardNode(node: AdNode, arena: Arena): void {
  const g: F64 | null = typeof node.value === 'number' ? (node.adj === 0 ? null : node.adj) : node.adjArr;
  if (g === null) return;
  const a = node.a as AdNode;
  const b = node.b as AdNode;
  const y = node.value;
  switch (node.op) {
    // b before a: a may take g over (see acc), so b must have read it first.
    case Op.add: acc(b, g, 1, null, null, arena, false); acc(a, g, 1, null, null, arena, true); break;
    case Op.sub: acc(b, g, -1, null, null, arena, false); acc(a, g, 1, null, null, arena, true); break;
    case Op.mul: acc(b, g, 1, a.value, null, arena, false); acc(a, g, 1, b.value, null, arena, true); break;
    // d(a/b)/db = -a/b^2 = -y/b
    case Op.div: acc(b, g, -1, y, b.value, arena, false); acc(a, g, 1, null, b.value, arena, true); break;
    case Op.neg: acc(a, g, -1, null, null, arena, true); break;
    case Op.exp: acc(a, g, 1, y, null, arena, true); break;
    case Op.log: acc(a, g, 1, null, a.value, arena, true); break;
    case Op.square: acc(a, g, 2, a.value, null, arena, true); break;
    case Op.sqrt: acc(a, g, 0.5, null, y, arena, true); break;
    case Op.log1p:
    case Op.softplus:
    case Op.sigmoid:
    case Op.lgamma: acc(a, g, 1, deriv(node.op, a.value, y, arena), null, arena, true); break;
    case Op.lgammaRatio:
      if (b.live) acc(b, g, 1, pairwise(lgammaRatioDphi, a.value, b.value, arena), null, arena, false);
      if (a.live) acc(a, g, 1, pairwise(lgammaRatioDy, a.value, b.value, arena), null, arena, true);
      break;
    case Op.table: acc(a, g, 1, b.value, null, arena, true); break;
    case Op.table2: {
      const tables = node.aux!;
      const n = tables.length;
      const at = (v: F64, r: number): number => (typeof v === 'number' ? v : v[r]);
      if (b.live) {
        const sb = arena.take(n);
        for (let r = 0; r < n; r++) sb[r] = tables[r].slopeB(at(a.value, r), at(b.value, r));
        acc(b, g, 1, sb, null, arena, false);
      }
      if (a.live) {
        const sa = arena.take(n);
        for (let r = 0; r < n; r++) sa[r] = tables[r].slopeA(at(a.value, r), at(b.value, r));
        acc(a, g, 1, sa, null, arena, true);
      }
      break;
    }
    case Op.gather: {
      // The transpose of a gather is a scatter-add: each row's adjoint goes back to its level.
      const codes = node.codes as Int32Array;
      const ga = g as Float64Array;
      const pa = (a.adjArr ??= arena.zeros((a.value as Float64Array).length));
      for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) pa[codes[i]] += ga[i];
      break;
    }
    case Op.pick: {
      const pa = (a.adjArr ??= arena.zeros((a.value as Float64Array).length));
      pa[node.index] += g as number;
      break;
    }
    default:
  }
}
