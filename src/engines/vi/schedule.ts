/**
 * When to stop climbing, how fast to step, when to stop averaging: pure functions of per-window
 * statistics. A window is `window` consecutive steps; its smoothed ELBO is the mean of their Monte Carlo
 * ELBO estimates, and its lambda is the mean of their iterates.
 *
 * The rule follows Dhaka et al. (2020) and Welandawe et al. (2024) (vi-notes sec. 3 and 7.3), simplified
 * because the start (the Laplace fit, in whitened coordinates) is already close to the optimum:
 * 1. climb at a constant learning rate until the smoothed ELBO stops rising by more than its noise;
 * 2. then lower the rate as lr0 / sqrt(1 + j) in window j (a Robbins-Monro schedule slow enough for
 *    Polyak-Ruppert averaging) and average the iterates; if the ELBO turns out to be still rising over the
 *    averaged windows, drop their first half and go on; stop when the Monte Carlo standard error of the
 *    average (batch means over windows) is below `tol` for every mean (in posterior sds) and every log sd.
 * Never Stan's relative ELBO change, which stops early when |ELBO| is large (ZEB2: 3.5e4).
 */

export interface WindowStats {
  /** Steps done at the end of the window. */
  readonly step: number;
  readonly elbo: number;
  /** Standard error of the window's ELBO mean (steps taken as independent: the draws are). */
  readonly elboSe: number;
  readonly lambda: Float64Array;
}

/**
 * Is the smoothed ELBO still rising? Compares the later half of `windows` with the earlier half: a rise
 * of more than two standard errors of the difference means the iterates are still climbing, so they are
 * not yet draws around the optimum and averaging them would be biased. Halves rather than consecutive
 * windows, because a slow climb (an ill-conditioned start) gains less per window than the window's noise.
 */
export function stillRising(windows: readonly WindowStats[]): boolean {
  const h = Math.floor(windows.length / 2);
  const half = (ws: readonly WindowStats[]): [number, number] => [
    ws.reduce((a, w) => a + w.elbo, 0) / ws.length,
    Math.sqrt(ws.reduce((a, w) => a + w.elboSe ** 2, 0)) / ws.length,
  ];
  const [early, seEarly] = half(windows.slice(windows.length - 2 * h, windows.length - h));
  const [late, seLate] = half(windows.slice(windows.length - h));
  return !(late - early < 2 * Math.hypot(seEarly, seLate));
}

/** The learning rate in window j of the averaging phase. */
export const averagingRate = (lr0: number, j: number): number => lr0 / Math.sqrt(1 + j);

/** Standard error of the mean of a few batch means (each batch mean taken as independent). */
function batchMcse(values: readonly number[]): number {
  const n = values.length;
  const m = values.reduce((a, b) => a + b, 0) / n;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
  return Math.sqrt(v / n);
}

export interface AverageCheck {
  readonly lambda: Float64Array;
  /** Largest MCSE of a mean, in units of `scale` (posterior sds). */
  readonly mcseMean: number;
  /** Largest MCSE of a log marginal sd. */
  readonly mcseLogSd: number;
}

/**
 * The iterate average over the windows of the averaging phase and its Monte Carlo standard errors,
 * computed on the quantities users read (means and log sds in theta), not on lambda's coordinates.
 */
export function averageOf(
  windows: readonly WindowStats[],
  mean: (lambda: Float64Array) => Float64Array,
  sd: (lambda: Float64Array) => Float64Array,
  scale: Float64Array,
): AverageCheck {
  const size = windows[0].lambda.length;
  const lambda = new Float64Array(size);
  for (const w of windows) for (let i = 0; i < size; i++) lambda[i] += w.lambda[i] / windows.length;
  if (windows.length < 2) return { lambda, mcseMean: Infinity, mcseLogSd: Infinity };
  const means = windows.map((w) => mean(w.lambda));
  const logSds = windows.map((w) => sd(w.lambda).map(Math.log));
  let mcseMean = 0;
  let mcseLogSd = 0;
  for (let i = 0; i < scale.length; i++) {
    mcseMean = Math.max(mcseMean, batchMcse(means.map((m) => m[i])) / scale[i]);
    mcseLogSd = Math.max(mcseLogSd, batchMcse(logSds.map((s) => s[i])));
  }
  return { lambda, mcseMean, mcseLogSd };
}

/** The climb ends when the last CLIMB_WINDOWS windows show no rise (two halves of two windows). */
export const CLIMB_WINDOWS = 4;
/** Windows of averaging before the MCSE is trusted: batch means need a few batches. */
export const MIN_AVERAGE_WINDOWS = 6;

/** What the driver does after a window closes. */
export type Next =
  | { readonly action: 'go-on' }
  | { readonly action: 'start-averaging' }
  /** Still rising over the averaged windows: they were not yet around the optimum; keep the later half. */
  | { readonly action: 'drop-early-half'; readonly averageFrom: number }
  | { readonly action: 'stop'; readonly check: AverageCheck };

/**
 * The convergence rule, given the windows so far and where averaging began (-1: still climbing).
 * `check` computes the average and its MCSE over the given windows.
 */
export function nextAction(windows: readonly WindowStats[], averageFrom: number, tol: number,
  check: (ws: readonly WindowStats[]) => AverageCheck): Next {
  if (averageFrom < 0) {
    const stalled = windows.length >= CLIMB_WINDOWS && !stillRising(windows.slice(-CLIMB_WINDOWS));
    return { action: stalled ? 'start-averaging' : 'go-on' };
  }
  const averaged = windows.slice(averageFrom);
  if (averaged.length < MIN_AVERAGE_WINDOWS) return { action: 'go-on' };
  if (stillRising(averaged)) return { action: 'drop-early-half', averageFrom: averageFrom + Math.floor(averaged.length / 2) };
  const c = check(averaged);
  return c.mcseMean < tol && c.mcseLogSd < tol ? { action: 'stop', check: c } : { action: 'go-on' };
}

/** A compact ELBO trace for the diagnostics: at most `max` windows, evenly thinned, the last one kept. */
export function elboTrace(windows: readonly WindowStats[], max = 100): { step: number; elbo: number }[] {
  const stride = Math.max(1, Math.ceil(windows.length / max));
  const kept = windows.filter((_, i) => i % stride === 0 || i === windows.length - 1);
  return kept.map((w) => ({ step: w.step, elbo: w.elbo }));
}
