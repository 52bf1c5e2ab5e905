import type { IrParam, IrPrior, ModelIR } from './ir.js';
import { dependsOnParams, paramsOf } from './ir.js';

/**
 * Marks the latent Gaussian vectors: a factor-indexed parameter whose only density term is
 * Normal(0, scale) with an estimated scale that does not involve another latent vector (so that, given the
 * other parameters, the vectors are jointly Gaussian a priori).
 */
export function markLatent(ir: ModelIR): ModelIR {
  const termsOf = (p: number): IrPrior[] => ir.priors.filter((t) => t.param === p);
  const candidate = (p: IrParam, i: number): boolean => {
    const terms = termsOf(i);
    if (p.factor === undefined || p.transform.kind !== 'identity' || terms.length !== 1) return false;
    const [t] = terms;
    // A fixed scale makes it a fixed effect with a prior; random effects have an estimated scale.
    return t.dist.name === 'Normal' && t.args[0].op === 'const' && t.args[0].value === 0 && dependsOnParams(t.args[1]);
  };
  const first = ir.params.map(candidate);
  // The formula expander marks the standardised effects of correlated terms (z ~ Normal(0, 1)) itself.
  const latent = ir.params.map((p, i) => p.latent === true || (first[i] && ![...paramsOf(termsOf(i)[0].args[1])].some((q) => first[q])));
  if (!latent.some(Boolean)) return ir;
  return { ...ir, params: ir.params.map((p, i) => (latent[i] ? { ...p, latent: true } : p)) };
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

