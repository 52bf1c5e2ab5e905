import { LazyTable } from '../../math/lazy_table.js';
import { lgamma, lgammaRatio, lgammaRatioLogPhi } from '../../math/special.js';

/*
 * The sums over a cell's rows that a negative binomial cell reads (negbin_cells.ts), as lazily tabulated
 * functions of one variable: each sum's exact value and three derivatives at a point (a table's nodes),
 * and its closed-form tails where the sum has stopped bending.
 */

/** sum_r w_r softplus(x + o_r) (w_r = 1 when weights is null), tabulated. */
export function softplusTable(offsets: Float64Array, weights: Float64Array | null): LazyTable {
  return new LazyTable(softplusSum(offsets, weights), softplusTails(offsets, weights));
}

/** R(s) = sum_r e^(o_r - top) q(s + o_r), the departure from the Poisson term, tabulated. */
export function departureTable(offsets: Float64Array, top: number): LazyTable {
  return new LazyTable(departureSum(offsets, top), departureTails(offsets, top));
}

/** sum_v m_v lgammaRatio(v, e^t) over distinct counts v with multiplicities m_v, tabulated in t. */
export function normaliserTable(values: Float64Array, multiplicity: Float64Array): LazyTable {
  return new LazyTable(normaliserSum(values, multiplicity), normaliserTails(values, multiplicity));
}

/**
 * q(z) = e^-z softplus(z) - 1 and its first three derivatives, q' = e^-z (sigmoid - softplus),
 * q'' = e^-z (softplus - sigmoid - sigmoid^2) and q''' = e^-z (sigmoid - softplus + 2 sigmoid^3); for
 * x = e^z below 1e-3 by their series in x (the closed forms cancel there): the k-th derivative is
 * sum_{n>=1} (-1)^n n^k x^n / (n + 1).
 */
function poissonDeparture(z: number, out: Float64Array): void {
  const x = Math.exp(z);
  if (x < 1e-3) {
    let p = 1;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let q3 = 0;
    for (let n = 1; n <= 7; n++) {
      p *= -x;
      const a = p / (n + 1);
      q0 += a;
      q1 += n * a;
      q2 += n * n * a;
      q3 += n * n * n * a;
    }
    out[0] = q0;
    out[1] = q1;
    out[2] = q2;
    out[3] = q3;
    return;
  }
  const e = Math.exp(-Math.abs(z));
  const sp = z > 0 ? z + Math.log1p(e) : Math.log1p(e);
  const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
  const ez = Math.exp(-z);
  out[0] = ez * sp - 1;
  out[1] = ez * (sig - sp);
  out[2] = ez * (sp - sig - sig * sig);
  out[3] = ez * (sig - sp + 2 * sig * sig * sig);
}

/** R(s) = sum_r e^(o_r - m) q(s + o_r) and its first three derivatives, exactly. */
function departureSum(offsets: Float64Array, top: number): (x: number, out: Float64Array) => void {
  const scale = Float64Array.from(offsets, (o) => Math.exp(o - top));
  const q = new Float64Array(4);
  return function departureNode(x, out) {
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let r = 0; r < offsets.length; r++) {
      poissonDeparture(x + offsets[r], q);
      f += scale[r] * q[0];
      d1 += scale[r] * q[1];
      d2 += scale[r] * q[2];
      d3 += scale[r] * q[3];
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/**
 * R's tails. Below x + m < -40 every q(z) is -e^z / 2 to rounding, so R = -e^(x + m) sum_r e^(2 (o_r - m)) / 2
 * with every derivative the same. Above x + lo > 40, q(z) = e^-z z - 1 to rounding, so
 * R = e^(-x - m) (n x + A) - W with A = sum_r o_r, W = sum_r e^(o_r - m).
 */
function departureTails(offsets: Float64Array, top: number): Tails {
  let lo = Infinity;
  let A = 0;
  let W = 0;
  let squares = 0;
  for (const o of offsets) {
    lo = Math.min(lo, o);
    A += o;
    W += Math.exp(o - top);
    squares += Math.exp(2 * (o - top));
  }
  const n = offsets.length;
  return {
    from: -TAIL - top,
    to: TAIL - lo,
    f: (x, out) => {
      if (x + top < -TAIL) {
        out.fill((-Math.exp(x + top) * squares) / 2);
        return;
      }
      const e = Math.exp(-x - top);
      out[0] = e * (n * x + A) - W;
      out[1] = e * (n - n * x - A);
      out[2] = e * (n * x + A - 2 * n);
      out[3] = e * (3 * n - n * x - A);
    },
  };
}

/**
 * Beyond |x + o_r| > 5 for every row, softplus by its series: softplus(z) = sum_k (-1)^(k+1) e^(kz) / k
 * below, z + the same series in -z above, TERMS terms of it (the next is e^-5 TERMS = 2e-22 of the first,
 * times k^2 for the third derivative: below rounding). Summed over the rows, each power is one of the
 * offsets' sums S_k = sum_r w_r e^(k (o_r - hi)) (e^(-k (o_r - lo)) above), scaled by their extreme so that
 * no exponential overflows. The table between needs ~10 units instead of the ~80 a two-term closed form
 * exact only past |z| > 40 left: a search that takes a dispersion towards infinity (a gene whose counts
 * are Poisson) moved every cell's s down through 30 units of nodes, each a pass over the cell's rows.
 */
function softplusTails(offsets: Float64Array, weights: Float64Array | null): Tails {
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < offsets.length; r++) {
    lo = Math.min(lo, offsets[r]);
    hi = Math.max(hi, offsets[r]);
  }
  // The sums are taken on the first probe beyond the range: most tables (one per cell and gene) get none,
  // and the exponentials per row were a tenth of building a gene's tables.
  let sums: { W: number; A: number; below: Float64Array; above: Float64Array } | undefined;
  const sumsOf = (): { W: number; A: number; below: Float64Array; above: Float64Array } => {
    let W = 0;
    let A = 0;
    const below = new Float64Array(TERMS);
    const above = new Float64Array(TERMS);
    for (let r = 0; r < offsets.length; r++) {
      const o = offsets[r];
      const w = weights === null ? 1 : weights[r];
      W += w;
      A += w * o;
      const b = Math.exp(o - hi);
      const a = Math.exp(lo - o);
      let pb = w;
      let pa = w;
      for (let k = 0; k < TERMS; k++) {
        pb *= b;
        pa *= a;
        below[k] += pb;
        above[k] += pa;
      }
    }
    return { W, A, below, above };
  };
  return {
    from: -SERIES - hi,
    to: SERIES - lo,
    f: (x, out) => {
      const { W, A, below, above } = (sums ??= sumsOf());
      const left = x + hi < -SERIES;
      // The k-th term: sign (-1)^(k+1), E^k S_k with E = e^(x + hi) (left) or e^(-x - lo) (right).
      const E = left ? Math.exp(x + hi) : Math.exp(-x - lo);
      const S = left ? below : above;
      let f = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let p = 1;
      for (let k = 1; k <= TERMS; k++) {
        p *= E;
        const t = (k % 2 === 1 ? p : -p) * S[k - 1];
        f += t / k;
        d1 += t;
        d2 += k * t;
        d3 += k * k * t;
      }
      if (left) {
        // d^m/dx^m of E^k / k is k^(m-1) E^k.
        out[0] = f;
        out[1] = d1;
        out[2] = d2;
        out[3] = d3;
      } else {
        // W x + A plus the series in E = e^(-x - lo): each derivative brings a factor -k.
        out[0] = W * x + A + f;
        out[1] = W - d1;
        out[2] = d2;
        out[3] = -d3;
      }
    },
  };
}
/** Where softplus's series take over from a table, and how many of their terms are summed. */
const SERIES = 5;
const TERMS = 10;
const TAIL = 40;
type Tails = ConstructorParameters<typeof LazyTable>[1];

/** sum_r w_r softplus(x + o_r) and its first three derivatives, exactly. */
function softplusSum(offsets: Float64Array, weights: Float64Array | null): (x: number, out: Float64Array) => void {
  return function softplusNode(x, out) {
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let r = 0; r < offsets.length; r++) {
      const z = x + offsets[r];
      const e = Math.exp(-Math.abs(z));
      const w = weights === null ? 1 : weights[r];
      // softplus, the sigmoid, sigmoid (1 - sigmoid) = e / (1 + e)^2 and its derivative
      // e (1 - e) / (1 + e)^3 (odd in z) from one exp, each without cancellation.
      const p = 1 / (1 + e);
      f += w * (z > 0 ? z + Math.log1p(e) : Math.log1p(e));
      d1 += w * (z >= 0 ? p : e * p);
      const s2 = w * e * p * p;
      d2 += s2;
      d3 += (z >= 0 ? -s2 : s2) * (1 - e) * p;
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/** sum over distinct counts v (with multiplicity m) of m lgammaRatio(v, e^t), and its derivatives in t. */
function normaliserSum(values: Float64Array, multiplicity: Float64Array): (t: number, out: Float64Array) => void {
  const d = new Float64Array(3);
  return function normaliserNode(t, out) {
    const phi = Math.exp(t);
    let f = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let k = 0; k < values.length; k++) {
      const m = multiplicity[k];
      f += m * lgammaRatio(values[k], phi);
      lgammaRatioLogPhi(values[k], phi, d);
      d1 += m * d[0];
      d2 += m * d[1];
      d3 += m * d[2];
    }
    out[0] = f;
    out[1] = d1;
    out[2] = d2;
    out[3] = d3;
  };
}

/**
 * lgammaRatio(v, e^t) = (1 - v) t + sum_{k=1}^{v-1} log(k + e^t) for a whole count v: below t = -40 each
 * log(k + e^t) is log(k) to rounding, so the sum is (1 - v) t + lgamma(v); above t = 40 + log(v^2), it is
 * v (v - 1) / 2 e^-t to rounding (the next term, of e^-2t, is below 1e-17 of it).
 */
function normaliserTails(values: Float64Array, multiplicity: Float64Array): Tails {
  let slope = 0;
  let intercept = 0;
  let pairs = 0;
  let top = 1;
  values.forEach((v, k) => {
    slope += multiplicity[k] * (1 - v);
    intercept += multiplicity[k] * lgamma(v);
    pairs += (multiplicity[k] * v * (v - 1)) / 2;
    top = Math.max(top, v);
  });
  return {
    from: -TAIL,
    to: TAIL + 2 * Math.log(top),
    f: (t, out) => {
      if (t < 0) {
        out[0] = slope * t + intercept;
        out[1] = slope;
        out[2] = 0;
        out[3] = 0;
        return;
      }
      const e = pairs * Math.exp(-t);
      out[0] = e;
      out[1] = -e;
      out[2] = e;
      out[3] = -e;
    },
  };
}

/** A cell without counts: H and L are 0 everywhere (all tail, no table). */
export const ZERO = new LazyTable((_x, out) => out.fill(0), { from: Infinity, to: -Infinity, f: (_x, out) => out.fill(0) });
