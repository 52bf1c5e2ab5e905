import type { ModelIR } from './ir.js';

/** theta coordinates of the linear fixed effects of the latent field. */
export function linearCoordinates(ir: ModelIR): number[] {
  return ir.params.filter((p) => p.linear).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k));
}

/** theta coordinates of the latent vectors. */
export function latentCoordinates(ir: ModelIR): number[] {
  return ir.params.filter((p) => p.latent).flatMap((p) => Array.from({ length: p.size }, (_, k) => p.offset + k));
}

/** The likelihood for maximum likelihood: only the latent vectors keep their density terms; no Jacobians. */
export function toMaximumLikelihood(ir: ModelIR): ModelIR {
  const priors = ir.priors.filter((t) => ir.params[t.param].latent);
  return { ...ir, priors, ml: true };
}

