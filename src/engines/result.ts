import type { EngineWarning } from '../core/warning.js';
import type { SummaryDiagnostics } from '../diagnostics/mcmc.js';
import type { EngineDiagnostics } from './diagnostics.js';

export type { EngineDiagnostics } from './diagnostics.js';

/** What every engine hands back: draws in theta (the unconstrained space) and what it knows of their quality. */
export interface EngineResult {
  readonly engine: string;
  readonly draws: readonly Float64Array[];
  /** For MCMC: the draws are this many chains of equal length, chain after chain (R-hat and ESS need it). */
  readonly chains?: number;
  /** Normalised importance weights of the draws (PSIS), when the engine reweights them. */
  readonly weights?: Float64Array;
  /** Typed per method: switch on `kind`. */
  readonly diagnostics: EngineDiagnostics;
  /** Warnings as data (code, parameters, figures): the API adds their sentences (results/warning_text.ts). */
  readonly warnings: readonly EngineWarning[];
  readonly timings: Readonly<Record<string, number>>;
  /**
   * For MCMC: R-hat, ESS and the MCSE of the mean of each constrained parameter (in the log density's
   * `names` order), which the engine computed for its warnings; the summary reuses them rather than
   * computing them again from the same draws.
   */
  readonly columnDiagnostics?: readonly SummaryDiagnostics[];
  /** For optimizing engines (VI): the ELBO history, the mean estimate over each window of steps ending at `step`. */
  readonly trace?: { readonly step: Float64Array; readonly elbo: Float64Array };
  /** For Gaussian approximations: their mean and marginal sds in theta. */
  readonly gaussian?: { readonly mean: Float64Array; readonly sd: Float64Array };
  /**
   * Exact point estimates, for engines that have them (ML, REML), so that a summary can report them
   * without Monte Carlo error. All in theta (the unconstrained space). `theta`: the estimate (maximum of
   * the Laplace marginal for the outer coordinates, conditional modes for the integrated ones). `sd`: per
   * coordinate, the standard error for an outer one (NaN where the Hessian is flat: a boundary or an
   * unidentified parameter) and the conditional sd for an integrated one, as lme4 reports them.
   * `variance(g)`: the delta method for a derived quantity with gradient g in theta: g' H^-1 g when g
   * touches the integrated coordinates (lme4's conditional variance given the outer estimates), else
   * g' C g with C the outer block's covariance.
   */
  readonly estimates?: {
    readonly theta: Float64Array;
    readonly sd: Float64Array;
    variance(g: Float64Array): number;
  };
}
