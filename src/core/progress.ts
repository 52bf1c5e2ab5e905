/**
 * The events the engines send to a progress callback while they run. They live here, not beside each
 * engine, because three layers read them: the engines send them, the API passes the callbacks through
 * its settings, and the CLI draws them as a progress line.
 */

/** MCMC (nuts, hmc): after every transition of every chain. */
export interface ChainProgress {
  readonly chain: number;
  readonly chains: number;
  /** Iterations done in this chain, warm-up included, and the chain's total. */
  readonly iteration: number;
  readonly iterations: number;
  readonly warmup: boolean;
}

/** VI (advi, fullrank): after every window of steps. */
export interface ViProgress {
  /** The step, and the step limit. */
  readonly step: number;
  readonly steps: number;
  /** The ELBO averaged over the last window. */
  readonly elbo: number;
  /** The learning rate in use. */
  readonly lr: number;
}

/** The nested Laplace engine (laplace, --ml, --reml): after every evaluation of the Laplace marginal. */
export interface LaplaceProgress {
  /** Evaluations of the Laplace marginal so far (each an inner Newton solve and a sparse factorisation). */
  readonly evaluations: number;
  /** The highest log marginal seen. */
  readonly best: number;
}
