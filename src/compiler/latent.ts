import type { ModelIR } from './ir.js';
import { markLatent } from './latent/recognise.js';

/** theta coordinates of the linear fixed effects of the latent field. */
export function linearCoordinates(ir: ModelIR): number[] {
  return ir.params.filter((p) => p.linear).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k));
}

/** theta coordinates of the latent vectors. */
export function latentCoordinates(ir: ModelIR): number[] {
  return ir.params.filter((p) => p.latent).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k));
}

/**
 * The likelihood for maximum likelihood: only the latent vectors keep their density terms; no Jacobians.
 * The field is marked again without the priors: a coefficient with a Cauchy or Student-t prior is not
 * Gaussian a priori, but maximum likelihood has no prior, so it is a fixed effect like any other (and the
 * checks for fixed effects, separation's among them, see it).
 */
export function toMaximumLikelihood(ir: ModelIR): ModelIR {
  const priors = ir.priors.filter((t) => ir.params[t.param].latent);
  return markLatent({ ...ir, priors, ml: true });
}

/** Every likelihood Normal (row-wise or reduced) in (mean, sd), with the sd one scalar parameter for all rows. */
export function oneResidualSd(ir: ModelIR): boolean {
  if (ir.likelihoods.length === 0) return false;
  const sds = new Set<number>();
  for (const lik of ir.likelihoods) {
    if (lik.dist.name !== 'Normal' || lik.form !== lik.dist.forms[0]) return false;
    const sd = lik.args[1];
    if (sd.op !== 'param' || ir.params[sd.param].size !== 1) return false;
    sds.add(sd.param);
  }
  return sds.size === 1;
}
