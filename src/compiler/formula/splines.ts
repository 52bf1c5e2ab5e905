import { quantileR } from '../../math/stats.js';

/**
 * R's spline bases for formulas (package splines, as lm and lmer build them): `bs(x, df)`, cubic
 * B-splines, and `ns(x, df)`, natural cubic splines, with the interior knots at quantiles of x and the
 * boundary knots at its range. Ported from R's own code so that the columns are R's, coefficient for
 * coefficient: quantile() type 7, splineDesign() (splines.c: set_cursor, basis_funcs, evaluate), and for
 * ns the QR of the boundary constraints by LINPACK's dqrdc2 and dqrsl, whose Householder signs decide
 * the columns' signs.
 */

/** The columns of bs(x, df) (no intercept column, degree 3): df of them. */
export function bSplineBasis(x: Float64Array, df: number): Float64Array[] {
  const order = 4;
  const interior = Math.max(0, df - order + 1);
  const knots = allKnots(x, interior, order);
  const design = splineDesign(knots, x, order, 0);
  return transpose(design).slice(1);
}

/** The columns of ns(x, df) (no intercept column): df of them. */
export function naturalSplineBasis(x: Float64Array, df: number): Float64Array[] {
  const order = 4;
  const interior = Math.max(0, df - 1);
  const knots = allKnots(x, interior, order);
  const [lo, hi] = range(x);
  const basis = splineDesign(knots, x, order, 0).map((row) => row.subarray(1));
  // Second derivatives at the two boundary knots, without the first column: the rows of `const`.
  const constraint = splineDesign(knots, Float64Array.of(lo, hi), order, 2).map((row) => row.subarray(1));
  const qr = householder(constraint);
  const columns = Array.from({ length: basis[0].length - 2 }, () => new Float64Array(x.length));
  basis.forEach((row, i) => {
    const qty = qr.qty(row);
    for (let j = 2; j < qty.length; j++) columns[j - 2][i] = qty[j];
  });
  return columns;
}

/** Both boundary knots `order` times, the interior ones at quantiles of x (R: sort(c(rep(Boundary.knots, ord), knots))). */
function allKnots(x: Float64Array, interior: number, order: number): Float64Array {
  const [lo, hi] = range(x);
  const sorted = Float64Array.from(x).sort();
  // seq.int(0, 1, length.out = interior + 2) without its ends.
  const by = 1 / (interior + 1);
  const inner = Array.from({ length: interior }, (_, i) => quantileR(sorted, (i + 1) * by));
  return Float64Array.from([...new Array<number>(order).fill(lo), ...inner, ...new Array<number>(order).fill(hi)]).sort();
}

function range(x: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of x) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/**
 * splineDesign(knots, x, ord, derivs): one row per x, one column per B-spline (knots.length - ord), the
 * derivs-th derivative. x must lie within the boundary knots (a formula's x always does: they are its range).
 */
function splineDesign(knots: Float64Array, x: Float64Array, order: number, derivs: number): Float64Array[] {
  const n = knots.length;
  const columns = n - order;
  const ordm1 = order - 1;
  const rdel = new Float64Array(ordm1);
  const ldel = new Float64Array(ordm1);
  const a = new Float64Array(order);
  const b = new Float64Array(order);
  const rows: Float64Array[] = [];
  for (const xi of x) {
    // set_cursor: the first knot above x; at the right boundary knot itself, the last interval (left limit).
    let curs = -1;
    let boundary = false;
    for (let i = 0; i < n; i++) {
      if (knots[i] >= xi) curs = i;
      if (knots[i] > xi) break;
    }
    if (curs > n - order && xi === knots[n - order]) {
      boundary = true;
      curs = n - order;
    }
    const diffTable = (count: number): void => {
      for (let i = 0; i < count; i++) {
        rdel[i] = knots[curs + i] - xi;
        ldel[i] = xi - knots[curs - (i + 1)];
      }
    };
    const row = new Float64Array(columns);
    const offset = curs - order;
    if (derivs === 0) {
      // basis_funcs
      diffTable(ordm1);
      b[0] = 1;
      for (let j = 1; j <= ordm1; j++) {
        let saved = 0;
        for (let r = 0; r < j; r++) {
          const den = rdel[r] + ldel[j - 1 - r];
          if (den !== 0) {
            const term = b[r] / den;
            b[r] = saved + rdel[r] * term;
            saved = ldel[j - 1 - r] * term;
          } else {
            if (r !== 0 || rdel[r] !== 0) b[r] = saved;
            saved = 0;
          }
        }
        b[j] = saved;
      }
      for (let j = 0; j < order; j++) row[offset + j] = b[j];
    } else if (derivs < order) {
      for (let ii = 0; ii < order; ii++) {
        a.fill(0);
        a[ii] = 1;
        row[offset + ii] = evaluate(ii);
      }
    }
    rows.push(row);

    // splines.c's evaluate(): the derivs-th derivative of the spline with coefficients a at x.
    function evaluate(_ii: number): number {
      let outer = ordm1;
      if (boundary && derivs === ordm1) return 0;
      for (let nder = derivs; nder > 0; nder--) {
        for (let k = 0, lpt = curs - outer; k < outer; k++, lpt++) a[k] = (outer * (a[k + 1] - a[k])) / (knots[lpt + outer] - knots[lpt]);
        outer--;
      }
      diffTable(outer);
      while (outer-- > 0) {
        for (let k = 0, lpt = outer, rpt = 0; k < outer + 1; k++, lpt--, rpt++) a[k] = (a[k + 1] * ldel[lpt] + a[k] * rdel[rpt]) / (rdel[rpt] + ldel[lpt]);
      }
      return a[0];
    }
  }
  return rows;
}

function transpose(rows: readonly Float64Array[]): Float64Array[] {
  const n = rows[0]?.length ?? 0;
  return Array.from({ length: n }, (_, j) => Float64Array.from(rows, (r) => r[j]));
}

/**
 * qr(t(C)) for C of two rows (LINPACK dqrdc2: Householder, the sign of each reflection that of the
 * diagonal; two independent columns are never pivoted), and its qr.qty.
 */
function householder(rowsOfC: readonly Float64Array[]): { qty(y: Float64Array): Float64Array } {
  const p = rowsOfC.length;
  const n = rowsOfC[0].length;
  // X = t(C): n x p, by columns.
  const X = rowsOfC.map((r) => Float64Array.from(r));
  const qraux = new Float64Array(p);
  for (let j = 0; j < p; j++) qraux[j] = norm(X[j], 0);
  for (let l = 0; l < Math.min(n, p); l++) {
    if (l === n - 1) break;
    let nrmxl = norm(X[l], l);
    if (nrmxl === 0) continue;
    if (X[l][l] !== 0) nrmxl = Math.sign(X[l][l]) * Math.abs(nrmxl);
    const inv = 1 / nrmxl;
    for (let i = l; i < n; i++) X[l][i] *= inv;
    X[l][l] = 1 + X[l][l];
    for (let j = l + 1; j < p; j++) {
      let dot = 0;
      for (let i = l; i < n; i++) dot += X[l][i] * X[j][i];
      const t = -dot / X[l][l];
      for (let i = l; i < n; i++) X[j][i] += t * X[l][i];
      if (qraux[j] === 0) continue;
      const tt = Math.max(1 - (Math.abs(X[j][l]) / qraux[j]) ** 2, 0);
      qraux[j] = Math.abs(tt) < 1e-6 ? norm(X[j], l + 1) : qraux[j] * Math.sqrt(tt);
    }
    qraux[l] = X[l][l];
    X[l][l] = -nrmxl;
  }
  const k = Math.min(p, n - 1);
  return {
    qty(y: Float64Array): Float64Array {
      const out = Float64Array.from(y);
      for (let j = 0; j < k; j++) {
        if (qraux[j] === 0) continue;
        const v = X[j];
        const diag = qraux[j];
        let dot = diag * out[j];
        for (let i = j + 1; i < n; i++) dot += v[i] * out[i];
        const t = -dot / diag;
        out[j] += t * diag;
        for (let i = j + 1; i < n; i++) out[i] += t * v[i];
      }
      return out;
    },
  };
}

/** The Euclidean norm of v[from..]. */
function norm(v: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}
