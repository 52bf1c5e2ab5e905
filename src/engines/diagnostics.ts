/**
 * What each engine says of its own run, as typed values: `kind` names the method, and the fields are
 * figures, never preformatted text. The CLI (src/cli/report.ts) and run.json format them; an embedding
 * app switches on `kind` instead of guessing the engine from which fields exist.
 */
export type EngineDiagnostics = McmcDiagnostics | MlDiagnostics | NestedDiagnostics | JointLaplaceDiagnostics | ViDiagnostics;

/** Pareto-smoothed importance sampling of the engine's approximation against the exact density. */
export interface PsisFigures {
  /** Pareto k-hat of the log density ratios (good at most 0.5; usable up to `khatThreshold`). */
  readonly khat: number;
  /** min(1 - 1/log10 S, 0.7) for S draws: above it, k-hat says the estimates are unreliable. */
  readonly khatThreshold: number;
  /** The importance weights' effective sample size. */
  readonly psisEss: number;
}

/** NUTS or static HMC on several chains, with Stan's warm-up (nuts/run.ts). */
export interface McmcDiagnostics {
  readonly kind: 'mcmc';
  readonly chains: number;
  readonly warmup: number;
  readonly drawsPerChain: number;
  readonly adaptDelta: number;
  readonly maxDepth: number;
  readonly metric: 'dense' | 'diag';
  /** Which hierarchies were sampled centred and which non-centred, in words (--parametrisation). */
  readonly parametrisation?: string;
  readonly divergences: number;
  readonly warmupDivergences: number;
  readonly treeDepthHits: number;
  readonly ebfmiMin: number;
  readonly ebfmiPerChain: readonly number[];
  readonly stepSizePerChain: readonly number[];
  readonly meanAcceptStat: number;
  readonly leapfrogSteps: number;
  readonly maxRhat: number;
  readonly minEssBulk: number;
  readonly minEssTail: number;
  readonly threads: number;
  /** Stopped early (Ctrl-C): the chains were cut to equal length. */
  readonly interrupted?: boolean;
}

/** Maximum likelihood or REML, the random effects integrated out by Laplace (nested/run_ml.ts). */
export interface MlDiagnostics {
  readonly kind: 'ml';
  readonly criterion: 'ML' | 'REML';
  /** The (restricted) log-likelihood at the estimate: exact when latentDim is 0, else Laplace's. */
  readonly logLik: number;
  readonly outerDim: number;
  readonly latentDim: number;
  readonly latentNonZeros: number;
  readonly factorNonZeros: number;
  readonly structuredHessian: boolean;
  readonly optimizerIterations: number;
  readonly optimizerReason: string;
  readonly newtonPolishSteps: number;
  /** The largest gradient of the marginal at the estimate, in standard-error units. */
  readonly scaledGradNormAtMode: number;
  readonly marginalEvaluations: number;
  readonly gradientEvaluations: number;
  readonly innerNewtonSteps: number;
  readonly nDraws: number;
}

/** Nested Laplace: a Gaussian latent field given the hyperparameters, over a grid of them (nested/run_posterior.ts). */
export interface NestedDiagnostics extends PsisFigures {
  readonly kind: 'nested';
  /** 'mode': the Gaussian at the latent field's mode (no hyperparameters); 'grid': mixed over a grid of them. */
  readonly method: 'mode' | 'grid';
  readonly psisDraws: number;
  readonly hyperDim: number;
  readonly latentDim: number;
  readonly structuredHessian: boolean;
  readonly gridPoints: number;
  readonly gridDesign?: string;
  readonly gridEss: number;
  readonly logMarginalAtMode?: number;
  readonly optimizerIterations?: number;
  readonly optimizerReason?: string;
  /** The importance-sampling check of the Laplace marginal at grid points, and the largest shift it made. */
  readonly marginalCheck?: { readonly points: number; readonly maxKhat: number; readonly shift: number; readonly parameter: string };
  readonly marginalEvaluations: number;
  readonly innerNewtonSteps: number;
  readonly nDraws: number;
}

/** One Gaussian at the joint posterior mode (laplace/run.ts: --engine laplace-joint, and the fallback). */
export interface JointLaplaceDiagnostics extends PsisFigures {
  readonly kind: 'laplace-joint';
  readonly nDraws: number;
  readonly optimizerIterations: number;
  readonly optimizerEvaluations: number;
  readonly optimizerReason: string;
  readonly gradNormAtMode: number;
  /** How far one more Newton step would move the mode, in posterior sds. */
  readonly modeOffsetSds: number;
  readonly logDensityAtMode: number;
}

/** Mean-field or full-rank Gaussian VI (vi/run.ts). */
export interface ViDiagnostics extends PsisFigures {
  readonly kind: 'vi';
  readonly family: 'meanfield' | 'fullrank';
  readonly recipe: string;
  readonly optimizer: string;
  readonly lr: number;
  readonly lrReruns: number;
  readonly mcDraws: number;
  readonly init: string;
  readonly averaging: boolean;
  readonly estimator: string;
  readonly steps: number;
  readonly stopReason: string;
  readonly climbSteps: number;
  readonly averagedSteps: number;
  readonly mcseMean: number;
  readonly mcseLogSd: number;
  readonly iterateSd?: number;
  readonly elbo: number;
  readonly elboMcse: number;
  /** The ELBO's history, thinned to at most 100 windows, the last one kept. */
  readonly elboTrace: readonly { readonly step: number; readonly elbo: number }[];
  readonly nDraws: number;
  readonly droppedDraws: number;
  readonly nonFiniteDraws: number;
  /** Where q started: the nested Laplace fit, the joint mode, or random. */
  readonly start: string;
  /** Against the nested Laplace fit it started from, where it did (means in its sds; sd ratios). */
  readonly vsLaplace?: { readonly maxMeanShift: number; readonly minSdRatio: number; readonly maxSdRatio: number };
  readonly modeIterations?: number;
  readonly modeReason?: string;
  readonly logDensityAtMode?: number;
}

/** The diagnostics of one kind, typed, or an error naming the kind they are (an app or test that knows which engine ran). */
export function diagnosticsOf<K extends EngineDiagnostics['kind']>(d: EngineDiagnostics, kind: K): Extract<EngineDiagnostics, { kind: K }> {
  if (d.kind !== kind) throw new Error(`the diagnostics are of kind '${d.kind}', not '${kind}'`);
  return d as Extract<EngineDiagnostics, { kind: K }>;
}
