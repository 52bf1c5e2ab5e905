import type { EngineWarning, FitWarning, WarningCode } from '../core/warning.js';

/**
 * The sentence of every warning code, from the data its producer gave (src/core/warning.ts): what was
 * found, with its numbers, and what to do about it. Written here alone, so that engines and diagnostics
 * hand back values and the CLI, run.json and an app read the same sentence.
 */
const TEXT: { readonly [C in WarningCode]: (w: EngineWarning<C>) => string } = {
  'improper-drift': (w) => w.sentence,
  'divergences': (w) => w.sentence,
  'tree-depth': (w) => w.sentence,
  'low-ebfmi': (w) => w.sentence,
  'high-rhat': (w) => w.sentence,
  'low-ess': (w) => w.sentence,
  'interrupted': (w) => w.sentence,
  'rank-deficient': (w) => w.sentence,
  'singular-fit': (w) => w.sentence,
  'at-infinity': (w) => w.sentence,
  'optimizer-stopped': (w) => w.sentence,
  'inner-not-converged': (w) => w.sentence,
  'khat-poor': (w) => w.sentence,
  'khat-shifts': (w) => w.sentence,
  'psis-low-ess': (w) => w.sentence,
  'psis-not-applied': (w) => w.sentence,
  'mode-not-converged': (w) => w.sentence,
  'grid-truncated': (w) => w.sentence,
  'grid-low-ess': (w) => w.sentence,
  'marginal-poor': (w) => w.sentence,
  'multimodal': (w) => w.sentence,
  'heavy-tail': (w) => w.sentence,
  'meanfield-sds': (w) => w.sentence,
  'vi-step-limit': (w) => w.sentence,
  'vi-diverged': (w) => w.sentence,
  'vi-still-rising': (w) => w.sentence,
  'vi-no-averaging': (w) => w.sentence,
  'vi-dropped-draws': (w) => w.sentence,
  'vi-lr-rerun': (w) => w.sentence,
  'vi-vs-laplace': (w) => w.sentence,
  'runs-disagree': (w) => w.sentence,
  'inherited': (w) => w.sentence,
};

/** The sentence of a warning. */
export function warningText(w: EngineWarning): string {
  return (TEXT[w.code] as (w: EngineWarning) => string)(w);
}

/** With --runs K: how many runs gave a warning, of how many, and the seed of the first that did (whose numbers it quotes). */
export interface RunsGiving {
  readonly count: number;
  readonly of: number;
  readonly seed: number;
}

/** A warning with its sentence; one that several runs gave says how many, and the run whose numbers it quotes. */
export function fitWarning(w: EngineWarning, runs?: RunsGiving): FitWarning {
  // Until every code's data are typed, some producers still write the sentence: it becomes the message.
  const { code, sentence: _, ...data } = w as EngineWarning & { sentence?: string };
  const text = warningText(w);
  const message = runs ? `${text} (${runs.count} of ${runs.of} runs; numbers from seed ${runs.seed})` : text;
  const figures = runs ? { figures: { ...w.figures, runs: runs.count, ofRuns: runs.of, seed: runs.seed } } : {};
  return { code, message, ...data, ...figures } as unknown as FitWarning;
}
