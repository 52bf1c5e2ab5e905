/** A density estimate on a grid: x ascending, density integrating to about 1. */
export interface DensityCurve {
  readonly x: Float64Array;
  readonly density: Float64Array;
}

const GRID = 200;

/** Weighted mean and sd, and the Kish effective sample size 1 / sum(w^2) of normalised weights. */
function moments(values: ArrayLike<number>, w: Float64Array): { sd: number; nEff: number } {
  let m = 0;
  for (let i = 0; i < values.length; i++) m += w[i] * values[i];
  let v = 0;
  let w2 = 0;
  for (let i = 0; i < values.length; i++) {
    v += w[i] * (values[i] - m) ** 2;
    w2 += w[i] * w[i];
  }
  return { sd: Math.sqrt(v), nEff: 1 / w2 };
}

/**
 * A Gaussian kernel density estimate, with Silverman's rule-of-thumb bandwidth 1.06 sd n^(-1/5) (n the
 * effective sample size under weights). The draws are first binned linearly onto the grid (Wand 1994),
 * so the cost is grid^2 however many draws there are (K runs of NUTS: tens of thousands).
 */
export function kde(values: ArrayLike<number>, weights?: ArrayLike<number>): DensityCurve {
  const n = values.length;
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += w[i] = weights ? weights[i] : 1;
  for (let i = 0; i < n; i++) w[i] /= total;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (w[i] === 0) continue;
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const { sd, nEff } = moments(values, w);
  // A constant column (a fixed quantity) still gets a visible spike rather than a division by zero.
  const h = sd > 0 ? 1.06 * sd * nEff ** -0.2 : Math.max(Math.abs(lo), 1) * 1e-3;
  const a = lo - 3 * h;
  const dx = (hi + 3 * h - a) / (GRID - 1);
  const mass = new Float64Array(GRID);
  for (let i = 0; i < n; i++) {
    const t = (values[i] - a) / dx;
    const j = Math.min(GRID - 2, Math.floor(t));
    const f = t - j;
    mass[j] += w[i] * (1 - f);
    mass[j + 1] += w[i] * f;
  }
  const x = new Float64Array(GRID);
  const density = new Float64Array(GRID);
  const norm = 1 / (h * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < GRID; g++) {
    x[g] = a + g * dx;
    let s = 0;
    for (let j = 0; j < GRID; j++) if (mass[j] !== 0) s += mass[j] * Math.exp(-0.5 * (((g - j) * dx) / h) ** 2);
    density[g] = s * norm;
  }
  return { x, density };
}
