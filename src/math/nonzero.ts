/**
 * The rows of y that are not 0 (NaN included), ascending, remembered per array: fit-genes' response has
 * three zeros in four rows, and the compiler's passes over it (the per-cell sums, the count tables, the
 * data's checks and constants) need only these. A sum over them in this order is the sum over every row
 * to the bit (adding 0 changes nothing). Shared, so never written to; the arrays it is asked about are
 * never written to either.
 */
export function nonZeroRows(y: Float64Array): Int32Array {
  let rows = known.get(y);
  if (!rows) {
    rows = scan(y);
    known.set(y, rows);
  }
  return rows;
}

const known = new WeakMap<Float64Array, Int32Array>();

function scan(y: Float64Array): Int32Array {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] !== 0) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let i = 0; i < y.length; i++) if (y[i] !== 0) out[n++] = i;
  return out;
}
