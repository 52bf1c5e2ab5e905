/** What every engine hands back: draws in theta (the unconstrained space) and what it knows of their quality. */
export interface EngineResult {
  readonly engine: string;
  readonly draws: readonly Float64Array[];
  /** For MCMC: the draws are this many chains of equal length, chain after chain (R-hat and ESS need it). */
  readonly chains?: number;
  /** Normalised importance weights of the draws (PSIS), when the engine reweights them. */
  readonly weights?: Float64Array;
  readonly diagnostics: Readonly<Record<string, number | string | boolean>>;
  /** Plain-language warnings with numbers, for the summary and run.json. */
  readonly warnings: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
  /** For Gaussian approximations: their mean and marginal sds in theta. */
  readonly gaussian?: { readonly mean: Float64Array; readonly sd: Float64Array };
}
