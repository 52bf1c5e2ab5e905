import type { Span } from '../../core/errors.js';
import type { Transform } from '../../bijectors/transforms.js';
import type { IrExpr, IrGenerated, IrLikelihood, IrPrior } from '../ir.js';
import { FormulaError, type Formula } from './terms.js';
import { familyLikelihood, type Family, type FamilyPrior } from './family_likelihood.js';
import { add, c, Expander, fixedPart, type FormulaContext } from './expander.js';

export interface Expansion {
  readonly likelihood: IrLikelihood;
  /** Correlated random effects on the data scale, one per level and term (reported like parameters). */
  readonly derived: readonly IrGenerated[];
  /** Default priors of the parameters the formula created; a declaration in `parameters` replaces them. */
  readonly defaults: readonly IrPrior[];
}

/**
 * Expands `y ~ family(formula)` into parameters (named as lme4 names them), default priors and a
 * likelihood: the same IR a hand-written model produces.
 */
export function expandFormula(
  f: Formula, family: Family, response: string,
  extra: { trials?: IrExpr; offsets: readonly IrExpr[]; weights?: IrExpr; zeroPart?: { name: 'zi' | 'hu'; formula: Formula; span: Span } }, ctx: FormulaContext, span: Span,
  several = false,
): Expansion {
  const ex = new Expander(ctx, several ? response : undefined);
  let eta = fixedPart(ex, f, ctx, span);
  for (const o of extra.offsets) eta = add(eta, o);
  f.random.forEach((r, i) => {
    eta = add(eta, ex.randomTerm(r, `${response}|${i}`, family));
  });
  const predictor = eta ?? c(0);
  const own = (name: string, prior: FamilyPrior, transform: Transform): IrExpr => {
    const p = ex.param(name, span, { elementNames: [name], transform });
    ex.prior(p, prior.dist, prior.args.map(c));
    return { op: 'param', param: p };
  };
  // glmmTMB's ziformula: the logit of the zero-inflation probability (zi) or of a hurdle's probability of
  // zero (hu), its coefficients named 'zi: (Intercept)', 'zi: w' (or 'hu: ...').
  let zeroPart: IrExpr | undefined;
  let zeroDefaults: IrPrior[] = [];
  const z = extra.zeroPart;
  if (z) {
    const what = z.name === 'zi' ? 'zero-inflation' : 'hurdle';
    if (z.formula.random.length > 0) {
      throw new FormulaError(`random effects in the ${what} formula are not supported yet`, z.formula.random[0].span, `${z.name} takes fixed effects: ${z.name} = 1 + w`);
    }
    if (z.formula.offsets.length > 0) throw new FormulaError(`an offset in the ${what} formula is not supported`, z.span);
    const zx = new Expander(ctx, several ? `${response}_${z.name}` : z.name);
    const logit = fixedPart(zx, z.formula, ctx, z.span);
    if (!logit) throw new FormulaError(`the ${what} formula has no terms`, z.span, `write ${z.name} = 1 for a constant probability, or ${z.name} = 1 + w`);
    zeroPart = logit;
    zeroDefaults = zx.defaults;
  }
  const likelihood = familyLikelihood(family, predictor, { response, span, trials: extra.trials, weights: extra.weights, zeroLogit: zeroPart, own });
  return { likelihood, defaults: [...ex.defaults, ...zeroDefaults], derived: ex.dataScale };
}
