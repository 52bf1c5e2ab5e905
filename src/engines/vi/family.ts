import type { Frame } from './frame.js';
import { fullRankFamily } from './fullrank.js';
import { meanFieldFamily } from './meanfield.js';

export type FamilyKind = 'meanfield' | 'fullrank';
/**
 * 'stl': "sticking the landing" (Roeder et al. 2017), the score term of log q dropped; its variance
 * vanishes as q approaches the posterior (full-rank: every parameter; mean-field: the sds only, see
 * meanfield.ts). 'entropy': the analytic entropy gradient (Stan's ADVI, Kucukelbir et al. 2017), kept
 * for rerunning published recipes.
 */
export type Estimator = 'stl' | 'entropy';

/** A draw from q in theta with its log density under q. */
export interface Draw {
  readonly theta: Float64Array;
  readonly logq: number;
}

/**
 * A Gaussian variational family over theta, as pure functions of its parameter vector lambda (float64).
 * theta = T(lambda, eps) with eps ~ N(0, I): the reparameterization that gives the gradients.
 */
export interface Family {
  readonly kind: FamilyKind;
  readonly dim: number;
  /** The length of lambda. */
  readonly size: number;
  initial(): Float64Array;
  draws(lambda: Float64Array, eps: readonly Float64Array[]): Draw[];
  /** The Monte Carlo ELBO gradient in lambda from the draws' eps and the gradients of log p there. */
  gradient(lambda: Float64Array, eps: readonly Float64Array[], grads: readonly Float64Array[], estimator: Estimator): Float64Array;
  /** The entropy of q (nats): ELBO = E_q log p + entropy. */
  entropy(lambda: Float64Array): number;
  mean(lambda: Float64Array): Float64Array;
  /** Marginal sds of q in theta. */
  sd(lambda: Float64Array): Float64Array;
}

export function makeFamily(kind: FamilyKind, frame: Frame): Family {
  return kind === 'meanfield' ? meanFieldFamily(frame) : fullRankFamily(frame);
}

/** d/2 (1 + log 2 pi): the entropy of N(0, I_d). */
export const standardEntropy = (d: number): number => 0.5 * d * (1 + Math.log(2 * Math.PI));
