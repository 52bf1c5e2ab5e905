/**
 * Stan's warm-up schedule (windowed_adaptation.hpp) and the estimators the metric is learned with.
 * Warm-up runs a fast initial buffer (step size only, the chain finds the typical set), then slow windows
 * that each estimate the metric from scratch and double in length, then a fast terminal buffer in which
 * the step size settles for the final metric.
 */

export interface WarmupBuffers {
  readonly initBuffer: number;
  readonly termBuffer: number;
  readonly baseWindow: number;
}

/** Stan's defaults: 75 / 50 / 25. */
export const STAN_BUFFERS: WarmupBuffers = { initBuffer: 75, termBuffer: 50, baseWindow: 25 };

/** A slow window: warm-up iterations [start, end) whose draws estimate the metric, set at the end. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/**
 * The slow windows for numWarmup iterations, by replaying Stan's counter logic: below 20 iterations there
 * are none; when 75 + 25 + 50 do not fit, the buffers become 15% / 75% / 10% of warm-up (truncated to
 * integers as Stan's unsigned ints are). Each window doubles the last, and one whose successor would not
 * fit before the terminal buffer is stretched to it. 1000 iterations give [75,100) [100,150) [150,250)
 * [250,450) [450,950).
 */
export function slowWindows(numWarmup: number, buffers: WarmupBuffers = STAN_BUFFERS): Window[] {
  if (numWarmup < 20) return [];
  let { initBuffer, termBuffer, baseWindow } = buffers;
  if (initBuffer + baseWindow + termBuffer > numWarmup) {
    initBuffer = Math.trunc(0.15 * numWarmup);
    termBuffer = Math.trunc(0.1 * numWarmup);
    baseWindow = numWarmup - (initBuffer + termBuffer);
  }
  const lastEnd = numWarmup - termBuffer - 1;
  let size = baseWindow;
  let next = initBuffer + size - 1;
  let start = initBuffer;
  const windows: Window[] = [];
  for (let counter = 0; counter < numWarmup; counter++) {
    if (counter !== next) continue;
    windows.push({ start, end: counter + 1 });
    start = counter + 1;
    if (next === lastEnd) continue;
    size *= 2;
    next = counter + size;
    if (next !== lastEnd && next + 2 * size >= numWarmup - termBuffer) next = lastEnd;
  }
  return windows;
}

/** Welford's running mean and (co)variance: one pass, no catastrophic cancellation. */
export class Welford {
  private n = 0;
  private readonly meanV: Float64Array;
  /** q - mean before the update, reused from one draw to the next. */
  private readonly delta: Float64Array;
  /** Sum of squared deviations: the diagonal, or the full matrix row by row. */
  private readonly m2: Float64Array[];

  constructor(private readonly dim: number, private readonly dense: boolean) {
    this.meanV = new Float64Array(dim);
    this.delta = new Float64Array(dim);
    this.m2 = dense ? Array.from({ length: dim }, () => new Float64Array(dim)) : [new Float64Array(dim)];
  }

  get count(): number {
    return this.n;
  }

  add(q: Float64Array): void {
    this.n++;
    const delta = this.delta;
    for (let i = 0; i < this.dim; i++) delta[i] = q[i] - this.meanV[i];
    for (let i = 0; i < this.dim; i++) this.meanV[i] += delta[i] / this.n;
    if (!this.dense) {
      for (let i = 0; i < this.dim; i++) this.m2[0][i] += delta[i] * (q[i] - this.meanV[i]);
      return;
    }
    for (let i = 0; i < this.dim; i++) {
      const after = q[i] - this.meanV[i];
      for (let j = 0; j < this.dim; j++) this.m2[j][i] += delta[j] * after;
    }
  }

  /**
   * The sample (co)variance S = m2 / (n - 1), shrunk towards 1e-3 I as Stan does:
   * (n / (n + 5)) S + 1e-3 (5 / (n + 5)) I. The shrinkage keeps a short window's estimate well conditioned.
   */
  regularized(): Float64Array | Float64Array[] {
    const n = this.n;
    const a = n / (n + 5) / (n - 1);
    const b = 1e-3 * (5 / (n + 5));
    if (!this.dense) return this.m2[0].map((v) => a * v + b);
    // Each update adds (q - mean_new) delta', symmetric only up to rounding; average the two triangles
    // (Stan's LLT reads one triangle, the Cholesky of math/cholesky.ts insists on exact symmetry).
    return this.m2.map((row, i) => row.map((v, j) => a * 0.5 * (v + this.m2[j][i]) + (i === j ? b : 0)));
  }
}
