/**
 * A warning as a value: a stable code (what `--runs` groups by, what genes' statuses and an app switch
 * on), the parameters it names, its figures, and the sentence the CLI prints. docs/engines.md lists the
 * codes with what each means and what to do.
 */
export interface FitWarning {
  readonly code: WarningCode;
  /** The sentence, with its numbers and what to do about it. */
  readonly message: string;
  /** The parameters it is about, as the summary names them (or the unconstrained coordinate, 'log(tau)'). */
  readonly params?: readonly string[];
  /** Its numbers, by name. */
  readonly figures?: Readonly<Record<string, number>>;
}

export type WarningCode =
  // MCMC (nuts, hmc)
  | 'improper-drift' | 'divergences' | 'tree-depth' | 'low-ebfmi' | 'high-rhat' | 'low-ess' | 'interrupted'
  // every engine: a rank-deficient fixed-effect design
  | 'rank-deficient'
  // --ml, --reml
  | 'singular-fit' | 'at-infinity' | 'optimizer-stopped' | 'inner-not-converged'
  // Gaussian approximations (laplace, laplace-joint, advi, fullrank): PSIS's verdict
  | 'khat-poor' | 'khat-shifts' | 'psis-low-ess' | 'psis-not-applied' | 'mode-not-converged'
  // nested Laplace over the hyperparameters
  | 'grid-truncated' | 'grid-low-ess' | 'marginal-poor' | 'multimodal' | 'heavy-tail'
  // VI
  | 'meanfield-sds' | 'vi-step-limit' | 'vi-diverged' | 'vi-still-rising' | 'vi-no-averaging' | 'vi-dropped-draws' | 'vi-lr-rerun' | 'vi-vs-laplace'
  // the API: K runs that disagree; generated quantities computed from a parameter a warning names
  | 'runs-disagree' | 'inherited';

/** A warning with its code, sentence, and (where it has them) the parameters it names and its figures. */
export function warning(code: WarningCode, message: string, params?: readonly string[], figures?: Readonly<Record<string, number>>): FitWarning {
  return { code, message, ...(params && params.length > 0 ? { params } : {}), ...(figures ? { figures } : {}) };
}

/** The sentences alone, as a reader sees them. */
export const messages = (ws: readonly FitWarning[]): string[] => ws.map((w) => w.message);
