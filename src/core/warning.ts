/**
 * A warning as a value: a stable code (what `--runs` groups by, what genes' statuses and an app switch
 * on), the parameters it names, its figures and, where its sentence needs them, lists and short facts.
 * Engines and diagnostics make them as data (EngineWarning); the sentence of each code is written in one
 * place, src/results/warning_text.ts, and the API adds it as `message` (FitWarning). docs/engines.md
 * lists the codes with what each means and what to do.
 */

/** Numbers by name. */
type Figures<K extends string> = Readonly<Record<K, number>>;

/** A warning whose code says it all (with its parameters). */
type Nothing = Readonly<Record<never, never>>;

/** A coefficient whose column of the fixed-effect design equals a combination of others' (empty: no row reads it). */
export interface Aliased {
  readonly name: string;
  readonly equals: readonly { readonly name: string; readonly weight: number }[];
}

/** A quantity a Gaussian approximation gets wrong: how far its mean moves (in its sds) and its sd's ratio, under reweighting or against another fit. */
export interface Moved {
  readonly name: string;
  readonly shift: number;
  readonly sdRatio: number;
  /** A random effect (named after the fixed effects and hyperparameters, and counted past five). */
  readonly random: boolean;
}

/** The Gaussian approximation PSIS checked: laplace-joint's, nested Laplace's (of the whole posterior, or of the latent field given the hyperparameters), or VI's. */
export type Approximation = 'joint-mode' | 'posterior' | 'latent-field' | 'meanfield' | 'fullrank';

/** An engine to use instead ('nested': the laplace engine, named for its nested approximation). */
export type Alternative = 'fullrank' | 'laplace' | 'nested' | 'nuts';

/**
 * PSIS's k-hat of a Gaussian approximation against its `threshold`, with `psisEss` of `draws`; `items`:
 * the quantities reweighting moves past the limits, worst first; `reweighting`: whether the draws are
 * reweighted, --psis would reweight them, or reweighting does not apply.
 */
interface Khat {
  figures: Figures<'khat' | 'threshold' | 'psisEss' | 'draws'>;
  facts: { approximation: Approximation; reweighting: 'applied' | 'available' | 'unavailable'; instead: readonly Alternative[] };
  items: readonly Moved[];
}

/** What each code carries besides its code and parameters. */
export interface WarningData {
  // MCMC (nuts, hmc)
  /** params[0]'s draws spread, in `chains` of `ofChains` chains, over up to `varianceRatio` times warm-up's variance, reaching `largest`. */
  'improper-drift': { figures: Figures<'chains' | 'ofChains' | 'varianceRatio' | 'largest'> };
  /** `hierarchies`: how many the model has (non-centring them is the remedy to name when there are any). */
  'divergences': { figures: Figures<'divergences' | 'transitions' | 'hierarchies'> };
  'tree-depth': { figures: Figures<'treeDepthHits' | 'transitions' | 'maxDepth'> };
  /** `chain` counts from 1; `threshold` is E-BFMI's 0.3. */
  'low-ebfmi': { figures: Figures<'chain' | 'ebfmi' | 'threshold'> };
  /** `params`: the quantities above `threshold` (1.01), worst first. */
  'high-rhat': { figures: Figures<'maxRhat' | 'threshold'> };
  /** `params`: the quantities whose bulk or tail ESS is below `target` (`perChain` times the chains), worst first. */
  'low-ess': { figures: Figures<'minEss' | 'target' | 'perChain'> };
  /** `chains` of `ofChains` kept, cut to `drawsPerChain` of `ofDrawsPerChain` draws. */
  'interrupted': { figures: Figures<'chains' | 'ofChains' | 'drawsPerChain' | 'ofDrawsPerChain'> };
  // every engine: a rank-deficient fixed-effect design
  /** `items`: the aliased coefficients (`params`); `fit`: ML and REML drop them, as lme4 does, a posterior keeps them (its priors separate them). */
  'rank-deficient': { facts: { fit: 'ml' | 'reml' | 'posterior' }; items: readonly Aliased[] };
  // --ml, --reml
  /** `params`: estimated at the edge of their range (an sd at 0, a correlation at +-1, or unidentified). */
  'singular-fit': Nothing;
  /** `items`: each parameter (`params`) estimated at infinity, with its estimate. */
  'at-infinity': { items: readonly { readonly name: string; readonly estimate: number }[] };
  /** `reason`: why the outer optimizer stopped; `gradNorm`: its gradient there, in sd units. */
  'optimizer-stopped': { figures: Figures<'gradNorm'>; facts: { reason: string } };
  'inner-not-converged': Nothing;
  // Gaussian approximations (laplace, laplace-joint, advi, fullrank): PSIS's verdict
  'khat-poor': Khat;
  'khat-shifts': Khat;
  /** --psis reached `psisEss` < `minEss` with `draws` draws. */
  'psis-low-ess': { figures: Figures<'psisEss' | 'minEss' | 'draws'> };
  'psis-not-applied': Nothing;
  /** laplace-joint: `reason` L-BFGS stopped, then `newtonSteps`, at `gradNorm`; a Newton step would still move the mode by `offsetSds`. */
  'mode-not-converged': { figures: Figures<'gradNorm' | 'offsetSds' | 'newtonSteps'>; facts: { reason: string } };
  // nested Laplace over the hyperparameters
  /** `params`: the hyperparameters, whose grid stopped at `points` before their posterior fell off. */
  'grid-truncated': { figures: Figures<'points'> };
  /** `params`: the `hyperparameters`, over which importance sampling kept an ESS of `ess` of `points`. */
  'grid-low-ess': { figures: Figures<'ess' | 'points' | 'hyperparameters'> };
  /** `params`: the hyperparameters; the check's k-hat reached `maxKhat` where `mass` of their posterior lies. */
  'marginal-poor': { figures: Figures<'mass' | 'maxKhat'> };
  /** `params`: the hyperparameters (in theta); `items`: each mode's place in them, the one described first, with its log density from that one. */
  'multimodal': { figures: Figures<'modes'>; items: readonly { readonly at: readonly number[]; readonly logDensity: number }[] };
  /**
   * `items`: each quantity (its first element's name and how many elements), largest first, with the share
   * of its variance from the grid's outermost layer, which holds `layerMass` of the mass.
   */
  'heavy-tail': { figures: Figures<'layerMass'>; items: readonly { readonly name: string; readonly elements: number; readonly share: number }[] };
  // VI
  /**
   * Mean-field's sds against the nested Laplace fit's, when it was at hand (else no figures): `short` of
   * `sds` are more than `limit` below it, the worst at `worstRatio`; `items`: those, worst first.
   */
  'meanfield-sds': { figures?: Figures<'short' | 'sds' | 'limit'> & { readonly worstRatio?: number }; items?: readonly Omit<Moved, 'shift'>[] };
  /** The step limit `steps` came before the averaged answer's MCSE (`mcseMean` posterior sd, `mcseLogSd` in log sd) reached `tol`. */
  'vi-step-limit': { figures: Figures<'steps' | 'mcseMean' | 'mcseLogSd' | 'tol'> };
  /** The windowed ELBO stayed far below the start's at every learning rate: `elbo` at `step` in the last window. */
  'vi-diverged': { figures: Figures<'elbo' | 'step'> };
  /** The ELBO rose from `earlierElbo` (at `earlierStep`) to `elbo` (at `step`) when the `steps` ran out. */
  'vi-still-rising': { figures: Figures<'steps' | 'earlierElbo' | 'earlierStep' | 'elbo' | 'step'> };
  /** The last iterate's means moved by up to `iterateSd` over the `lastSteps`, in posterior sds when `init` is 'mode', else in q's. */
  'vi-no-averaging': { figures: Figures<'iterateSd' | 'lastSteps'>; facts: { init: 'mode' | 'random' } };
  'vi-dropped-draws': { figures: Figures<'dropped' | 'draws'> };
  /** `items`: the learning rates it diverged at, in order; `lr`: the one it was rerun at. */
  'vi-lr-rerun': { figures: Figures<'lr'>; items: readonly number[] };
  /** `items`: the quantities off from the nested Laplace fit it started from, worst first (the shift in that fit's sds). */
  'vi-vs-laplace': { facts: { family: 'meanfield' | 'fullrank' }; items: readonly Moved[] };
  // the API: K runs that disagree; generated quantities computed from a parameter a warning names
  /** `items`: each quantity whose `runs` means (seeds `firstSeed` to `lastSeed`) spread by more than `limit` posterior sds, with that spread, largest first. */
  'runs-disagree': { figures: Figures<'runs' | 'firstSeed' | 'lastSeed' | 'limit' | 'maxRunSd'>; items: readonly { readonly name: string; readonly spread: number }[] };
  /**
   * `items`: each generated quantity or contrast (`params`) with the parameters it is computed from that
   * warnings name; a correlated block's data-scale effects as one item per term, `g[., x]`, with how many `effects`.
   */
  'inherited': { items: readonly { readonly name: string; readonly from: readonly string[]; readonly effects?: number }[] };
}

export type WarningCode = keyof WarningData;

/** What every warning has: `params` as the summary names them (or the unconstrained coordinate, 'log(tau)'). */
interface WarningBase {
  readonly params?: readonly string[];
  readonly figures?: Readonly<Record<string, number>>;
}

/** A warning as an engine (or the API) makes it: its code, the parameters it names, and its code's data. */
export type EngineWarning<C extends WarningCode = WarningCode> = { [K in C]: WarningBase & { readonly code: K } & Readonly<WarningData[K]> }[C];

/** A warning with its sentence (`message`), as a fit carries it. */
export type FitWarning<C extends WarningCode = WarningCode> = EngineWarning<C> & { readonly message: string };

/** A warning with its code's data and (where it names any) the parameters it names. */
export function warning<C extends WarningCode>(code: C, data: WarningData[C], params?: readonly string[]): EngineWarning<C> {
  return { code, ...(params && params.length > 0 ? { params } : {}), ...data } as EngineWarning<C>;
}

/** The sentences alone, as a reader sees them. */
export const messages = (ws: readonly FitWarning[]): string[] => ws.map((w) => w.message);
