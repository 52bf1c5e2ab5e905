import type { EngineWarning, FitWarning, WarningCode } from '../core/warning.js';

/**
 * The sentence of every warning code, from the data its producer gave (src/core/warning.ts): what was
 * found, with its numbers, and what to do about it. Written here alone, so that engines and diagnostics
 * hand back values and the CLI, run.json and an app read the same sentence.
 */
/** Up to three names, quoted, then how many more. */
function firstThree(names: readonly string[] = []): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

const TEXT: { readonly [C in WarningCode]: (w: EngineWarning<C>) => string } = {
  // MCMC (nuts, hmc)
  'improper-drift': ({ params = [], figures: f }) => `'${params[0]}' drifts without bound: in ${f.chains} of ${f.ofChains} chains its draws spread over up to ` +
    `${f.varianceRatio.toPrecision(2)} times the variance warm-up measured, reaching ${f.largest.toPrecision(2)}; the posterior is probably improper ` +
    '(a flat prior on a parameter the data do not bound, e.g. complete separation), and these draws describe no distribution. Give it a proper prior.',
  'divergences': ({ figures: f }) => `${f.divergences} of ${f.transitions} transitions after warm-up were divergent: the sampler could not follow the posterior's ` +
    'curvature and the draws may be biased. Raise --adapt-delta (0.95, 0.99) for smaller steps, or reparameterise ' +
    (f.hierarchies > 0
      ? '(--parametrisation non-centred samples every hierarchy of the model as u = sigma * z with z ~ Normal(0, 1)).'
      : '(e.g. non-centered random effects: u = sigma * z with z ~ Normal(0, 1)).'),
  'tree-depth': ({ figures: f }) => `${f.treeDepthHits} of ${f.transitions} transitions hit the maximum tree depth ${f.maxDepth}: trajectories were cut short. ` +
    'This costs efficiency, not validity; raise --max-depth, or try --dense for a strongly correlated posterior.',
  'low-ebfmi': ({ figures: f }) => `chain ${f.chain} has E-BFMI ${f.ebfmi.toFixed(2)} < ${f.threshold}: momentum resampling explores the energy poorly ` +
    '(heavy tails or a funnel). Reparameterise the model; more draws will not fix it.',
  'high-rhat': ({ params, figures: f }) => `R-hat up to ${f.maxRhat.toFixed(3)} > ${f.threshold} for ${firstThree(params)}: the chains ` +
    'disagree, so do not trust these estimates. Run longer (--warmup, --draws); if it persists, look for multimodality ' +
    'or a parameter the data and priors do not identify.',
  'low-ess': ({ params, figures: f }) => `effective sample size as low as ${f.minEss.toFixed(0)} < ${f.target} (${f.perChain} per chain) for ${firstThree(params)}: ` +
    'means, sds and especially the 2.5%/97.5% quantiles are imprecise. Run more draws (--draws).',
  'interrupted': ({ figures: f }) => `interrupted: the summary is of ${f.chains} of ${f.ofChains} chains, cut to the first ${f.drawsPerChain} of ${f.ofDrawsPerChain} draws each`,
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
