import type { FitWarning } from '../core/warning.js';
import { GlimmerError } from '../core/errors.js';
import type { SummaryRow } from '../results/summary.js';
import type { Model } from './compile.js';
import { inferFit, type EngineName, type Fit, type FitSummaryRow, type InferOptions } from './infer.js';

/**
 * What the library hands an app: the fit behind methods, so that an app asks for what it needs by name
 * (`fit.summary()`, `fit.draws('beta[T : R : diseased]')`) instead of walking columns. `raw` is the
 * whole record the CLI prints and writes.
 */
export class Posterior {
  constructor(readonly raw: Fit) {}

  get engine(): Fit['engine'] {
    return this.raw.engine;
  }

  /** Every scalar (parameters, then generated quantities) by name, in the summary's order. */
  get names(): readonly string[] {
    return this.raw.names;
  }

  /** Mean, sd, 2.5/50/97.5% (and R-hat, ESS, MCSE for MCMC) of every scalar, or of one. */
  summary(): readonly FitSummaryRow[];
  summary(name: string): FitSummaryRow;
  summary(name?: string): readonly FitSummaryRow[] | FitSummaryRow {
    if (name === undefined) return this.raw.summary;
    return this.raw.summary[this.column(name)];
  }

  /** The draws of one scalar, in the order the engine made them (chain after chain for MCMC). */
  draws(name: string): Float64Array {
    const j = this.column(name);
    return Float64Array.from(this.raw.draws, (row) => row[j]);
  }

  /** Importance weights of the draws (PSIS), when the engine reweighted them; else every draw counts the same. */
  get weights(): Float64Array | undefined {
    return this.raw.weights;
  }

  /** The engine's numbers on its own quality (k-hat, R-hat, divergences, ...). */
  get diagnostics(): Fit['diagnostics'] {
    return this.raw.diagnostics;
  }

  /** Warnings (code, parameters, figures and the sentence): read them before the estimates. */
  get warnings(): readonly FitWarning[] {
    return this.raw.warnings;
  }

  get contrasts(): Fit['contrasts'] {
    return this.raw.contrasts;
  }

  private column(name: string): number {
    const j = this.raw.names.indexOf(name);
    if (j < 0) {
      const near = this.raw.names.filter((n) => n.startsWith(name.replace(/\[.*$/, ''))).slice(0, 5);
      throw new GlimmerError([{ code: 'E413', message: `no quantity named '${name}' in this fit`, hint: near.length ? `names like it: ${near.join(', ')}` : `names: ${this.raw.names.slice(0, 5).join(', ')}, ...` }]);
    }
    return j;
  }
}

/** The library's entry: fit a compiled model with an engine (see InferOptions) and get a Posterior. */
export async function infer<E extends EngineName>(model: Model, options: InferOptions<E> = {}): Promise<Posterior> {
  return new Posterior(await inferFit(model, options));
}

export type { SummaryRow };
