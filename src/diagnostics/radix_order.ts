/**
 * The indices of `values` in ascending order (stable), by an LSD radix sort on the doubles' bits: eight
 * passes of one byte over keys that order like the numbers (the sign bit flipped for positives, every
 * bit flipped for negatives), so -0 comes just before +0. For finite values only; ranking the draws of
 * every quantity twice per summary, this is several times faster than a comparison sort of indices, or
 * than a sort followed by a binary search per value (whose unpredictable branches were most of the cost).
 */
export function ascendingOrder(values: Float64Array): Uint32Array {
  const n = values.length;
  const words = new Uint32Array(Float64Array.from(values).buffer);
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + hiAt];
    const l = words[2 * i + loAt];
    const negative = h >>> 31 === 1;
    hi[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = negative ? ~l >>> 0 : l;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let next = new Uint32Array(n);
  const counts = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const key = pass < 4 ? lo : hi;
    const shift = (pass % 4) * 8;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(key[i] >>> shift) & 255]++;
    // A byte every key shares (the exponent's top bits, often) orders nothing: skip the pass.
    if (counts[(key[0] >>> shift) & 255] === n) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const e = order[i];
      next[counts[(key[e] >>> shift) & 255]++] = e;
    }
    [order, next] = [next, order];
  }
  return order;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
