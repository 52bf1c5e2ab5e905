import type { Diagnostic } from '../core/errors.js';
import { paramsOf, type ModelIR } from './ir.js';

/**
 * Parameters no term of the model informs: no density term of their own and read by no prior's or
 * likelihood's arguments, on an unbounded scale. Their posterior is flat on a half-line or the whole
 * line, so it is improper, and every engine would fail on it (or, worse, sample it forever). A bounded
 * parameter is flat on an interval: a proper uniform, left alone. Errors (E216) at the declaration.
 */
export function uninformedParams(ir: ModelIR): Diagnostic[] {
  const read = new Set<number>();
  for (const t of [...ir.priors, ...ir.likelihoods]) for (const a of t.args) paramsOf(a, read);
  const owned = new Set(ir.priors.map((p) => p.param));
  return ir.params.flatMap((p, i): Diagnostic[] => {
    if (owned.has(i) || read.has(i) || p.transform.kind === 'bounded') return [];
    if (ir.ml) {
      // Under --ml a prior does not inform: what reads the parameter must be the likelihood or the density
      // of a random effect the compiler integrates out. A scale read only by the prior of a vector it cannot
      // integrate out (one that does not enter the likelihood through a predictor affine in it) lands here.
      return [{
        code: 'E216', span: p.span,
        message: `parameter '${p.name}' is not identified under --ml: neither the likelihood nor the density of a random effect reads it, so its likelihood is flat`,
        hint: `under --ml only the likelihood and the random effects' densities remain; if '${p.name}' is the scale of random effects, they must enter ` +
          "each likelihood through one predictor affine in them (ppl check --ml lists the random effects it found); or drop --ml for a Bayesian fit with its prior",
      }];
    }
    return [{
      code: 'E216', span: p.span,
      message: `parameter '${p.name}' is not identified: it has no prior and no term of the model depends on it, so its posterior is flat and improper`,
      hint: `give it a prior (e.g. ${p.name} ~ Normal(0, 1)), use it in the model, or remove it`,
    }];
  });
}
