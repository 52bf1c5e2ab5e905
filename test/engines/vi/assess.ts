import type { SummaryRow } from '../../fixtures/load.js';

/** One run as the acceptance checks see it: its summary by name, its warnings, its k-hat. */
export interface RunView {
  readonly means: ReadonlyMap<string, { mean: number; sd: number }>;
  readonly warnings: readonly string[];
  readonly khat: number;
}

export interface Assessment {
  /** Largest run-to-run sd of a beta mean, in NUTS sds, and where. */
  readonly spread: number;
  readonly spreadAt: string;
  /** Contrasts beta[a] - beta[b] whose run means change sign; of them, those NUTS puts surely away from 0. */
  readonly flips: number;
  readonly flipsAwayFromZero: number;
  /** Largest |mean - NUTS mean| / NUTS sd of a beta over all runs. */
  readonly meanError: number;
  /** Largest and smallest sd / NUTS sd - 1 of a beta over all runs. */
  readonly sdErrorMax: number;
  readonly sdErrorMin: number;
  /** Runs with a beta sd more than 30% below NUTS's, and of them those without the mean-field warning. */
  readonly runsSdShort: number;
  readonly runsSdShortUnwarned: number;
  readonly khatMin: number;
  readonly khatMax: number;
  /** Runs that printed the k-hat warning (k-hat above the threshold). */
  readonly khatWarned: number;
}

const sdOf = (xs: readonly number[]): number => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

/**
 * The acceptance numbers for K runs against the NUTS summary. A contrast's NUTS 95% interval
 * needs the correlation, which the summary lacks; sd(a - b) <= sd(a) + sd(b) bounds it, so a contrast
 * with |mean difference| > 1.96 (sd_a + sd_b) surely excludes 0 and its flip is a failure.
 */
export function assess(runs: readonly RunView[], nuts: ReadonlyMap<string, SummaryRow>): Assessment {
  const betas = [...nuts.keys()].filter((n) => n.startsWith('beta['));
  let spread = 0;
  let spreadAt = '';
  let meanError = 0;
  let sdErrorMax = -Infinity;
  let sdErrorMin = Infinity;
  for (const b of betas) {
    const ref = nuts.get(b)!;
    const s = sdOf(runs.map((r) => r.means.get(b)!.mean)) / ref.sd;
    if (s > spread) [spread, spreadAt] = [s, b];
    for (const r of runs) {
      const m = r.means.get(b)!;
      meanError = Math.max(meanError, Math.abs(m.mean - ref.mean) / ref.sd);
      sdErrorMax = Math.max(sdErrorMax, m.sd / ref.sd - 1);
      sdErrorMin = Math.min(sdErrorMin, m.sd / ref.sd - 1);
    }
  }
  let flips = 0;
  let flipsAwayFromZero = 0;
  for (let i = 0; i < betas.length; i++) {
    for (let j = i + 1; j < betas.length; j++) {
      const d = runs.map((r) => r.means.get(betas[i])!.mean - r.means.get(betas[j])!.mean);
      if (Math.min(...d) < 0 && Math.max(...d) > 0) {
        flips++;
        const a = nuts.get(betas[i])!;
        const b = nuts.get(betas[j])!;
        if (Math.abs(a.mean - b.mean) > 1.96 * (a.sd + b.sd)) flipsAwayFromZero++;
      }
    }
  }
  const short = runs.filter((r) => betas.some((b) => r.means.get(b)!.sd < 0.7 * nuts.get(b)!.sd));
  return {
    spread, spreadAt, flips, flipsAwayFromZero, meanError, sdErrorMax, sdErrorMin,
    runsSdShort: short.length,
    runsSdShortUnwarned: short.filter((r) => !r.warnings.some((w) => w.includes('underestimates posterior sds'))).length,
    khatMin: Math.min(...runs.map((r) => r.khat)),
    khatMax: Math.max(...runs.map((r) => r.khat)),
    khatWarned: runs.filter((r) => r.warnings.some((w) => w.startsWith('Pareto k-hat') && w.includes('is poor in the tails'))).length,
  };
}
