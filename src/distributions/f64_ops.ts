import { lgamma, lgammaRatio } from '../math/special.js';
import type { Ops } from './ops.js';

/** A float64 value: a scalar or one value per element (rows or factor levels). */
export type F64 = number | Float64Array;

function map1(a: F64, f: (x: number) => number): F64 {
  if (typeof a === 'number') return f(a);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
  return out;
}

function map2(a: F64, b: F64, f: (x: number, y: number) => number): F64 {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const n = typeof a === 'number' ? (b as Float64Array).length : a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(typeof a === 'number' ? a : a[i], typeof b === 'number' ? b : b[i]);
  return out;
}

const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

/** Float64 host arithmetic with scalar broadcasting: the exact reference for the tfjs graph. */
export const f64Ops: Ops<F64> = {
  c: (x) => x,
  add: (a, b) => map2(a, b, (x, y) => x + y),
  sub: (a, b) => map2(a, b, (x, y) => x - y),
  mul: (a, b) => map2(a, b, (x, y) => x * y),
  div: (a, b) => map2(a, b, (x, y) => x / y),
  neg: (a) => map1(a, (x) => -x),
  // Their own loops: through map1's shared call site (megamorphic) a million Math.exp cost 10x more.
  exp: (a) => {
    if (typeof a === 'number') return Math.exp(a);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
    return out;
  },
  log: (a) => {
    if (typeof a === 'number') return Math.log(a);
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.log(a[i]);
    return out;
  },
  log1p: (a) => map1(a, Math.log1p),
  square: (a) => map1(a, (x) => x * x),
  sqrt: (a) => map1(a, Math.sqrt),
  softplus: (a) => map1(a, softplus),
  sigmoid: (a) => map1(a, (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  lgamma: (a) => map1(a, lgamma),
  lgammaRatio: (y, phi) => map2(y, phi, lgammaRatio),
  table: (tables, x) => Float64Array.from(tables, (t, r) => t.value(typeof x === 'number' ? x : x[r])),
  table2: (tables, a, b) => Float64Array.from(tables, (t, r) => t.value2(typeof a === 'number' ? a : a[r], typeof b === 'number' ? b : b[r])),
};

export function sumF64(a: F64, n: number): number {
  if (typeof a === 'number') return a * n;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
