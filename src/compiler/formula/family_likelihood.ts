import type { Span } from '../../core/errors.js';
import type { Transform } from '../../bijectors/transforms.js';
import { findDistribution, type Form } from '../../distributions/catalog.js';
import type { IrExpr, IrLikelihood } from '../ir.js';
import { FormulaError } from './terms.js';

/** The families a formula can be written in, and the likelihood each becomes. */
export const FAMILIES = ['gaussian', 'poisson', 'bernoulli', 'binomial', 'negative_binomial', 'gamma', 'lognormal', 'student', 'beta',
  'zero_inflated_poisson', 'zero_inflated_negbinomial', 'hurdle_poisson', 'hurdle_negbinomial'] as const;
export type Family = (typeof FAMILIES)[number];

export type FamilyPrior = { readonly dist: string; readonly args: readonly number[] };

/** Default priors of a family's own parameters (brms's where it has one). */
export const FAMILY_PRIORS = {
  sigma: { dist: 'HalfStudentT', args: [3, 2.5] },
  dispersion: { dist: 'Exponential', args: [0.1] },
  /** brms's prior on a Student-t's degrees of freedom. */
  nu: { dist: 'Gamma', args: [2, 0.1] },
  /** brms's prior on a zero-inflation probability, and on a hurdle's probability of zero. */
  zi: { dist: 'Beta', args: [1, 1] },
  hu: { dist: 'Beta', args: [1, 1] },
} as const;

const mul = (a: IrExpr, b: IrExpr): IrExpr => ({ op: 'bin', o: '*', a, b });

/** The families with a zero part: the distribution, the part's name and whether the count model is a negative binomial. */
const ZERO_PARTS = {
  zero_inflated_poisson: { dist: 'ZeroInflatedPoisson', part: 'zi', negbin: false },
  zero_inflated_negbinomial: { dist: 'ZeroInflatedNegativeBinomial', part: 'zi', negbin: true },
  hurdle_poisson: { dist: 'HurdlePoisson', part: 'hu', negbin: false },
  hurdle_negbinomial: { dist: 'HurdleNegativeBinomial', part: 'hu', negbin: true },
} as const;

/**
 * The likelihood of `response ~ family(...)` given its linear predictor. `own` declares one of the family's
 * parameters (a residual sd, a dispersion, a shape, a zero-inflation probability) with its default prior.
 */
export function familyLikelihood(family: Family, predictor: IrExpr, o: {
  readonly response: string; readonly span: Span; readonly trials?: IrExpr; readonly weights?: IrExpr;
  /**
   * The logit of the zero-inflation probability (zi) or of a hurdle's probability of zero (hu) from a
   * formula (glmmTMB's ziformula = ~w), instead of one constant parameter: the `_logit` forms take it as it is.
   */
  readonly zeroLogit?: IrExpr;
  own(name: string, prior: FamilyPrior, transform: Transform): IrExpr;
}): IrLikelihood {
  const like = (name: string, args: IrExpr[], form = 0): IrLikelihood => {
    const d = findDistribution(name)!;
    return { column: o.response, dist: d, form: d.forms[form] as Form, args, span: o.span };
  };
  // The zero part: one probability parameter, or a formula's logit (each distribution's second form).
  const zeroPart = (name: 'zi' | 'hu'): { arg: IrExpr; form: number } =>
    (o.zeroLogit ? { arg: o.zeroLogit, form: 1 } : { arg: probability(name, FAMILY_PRIORS[name]), form: 0 });
  const positive = (name: string, prior: FamilyPrior): IrExpr => o.own(name, prior, { kind: 'lower', lo: 0 });
  const probability = (name: string, prior: FamilyPrior): IrExpr => o.own(name, prior, { kind: 'bounded', lo: 0, hi: 1 });
  switch (family) {
    case 'poisson': return like('Poisson', [predictor]);
    case 'bernoulli': return like('Bernoulli', [predictor]);
    case 'binomial':
      if (!o.trials) throw new FormulaError('binomial needs the number of trials', o.span, 'write binomial(trials = n, ...)');
      return like('Binomial', [o.trials, predictor]);
    // lmer's weights: row i's residual variance is sigma^2 / w_i.
    case 'gaussian': {
      const sigma = positive('sigma', FAMILY_PRIORS.sigma);
      const sd = o.weights ? { op: 'bin', o: '/', a: sigma, b: { op: 'call', fn: 'sqrt', arg: o.weights } } as const : sigma;
      return like('Normal', [predictor, sd]);
    }
    case 'negative_binomial': {
      const phi = positive('phi', FAMILY_PRIORS.dispersion);
      return like('NegativeBinomial', [predictor, phi]);
    }
    // Log link: mean exp(eta), shape k, so rate k exp(-eta) (glmmTMB's Gamma(link = "log"); its sigma is 1 / sqrt(k)).
    case 'gamma': {
      const shape = positive('shape', FAMILY_PRIORS.dispersion);
      return like('Gamma', [shape, mul(shape, { op: 'call', fn: 'exp', arg: { op: 'neg', arg: predictor } })]);
    }
    // log(y) ~ Normal(eta, sigma): lmer on log(y), whose log-likelihood lacks this one's Jacobian, -sum(log y).
    case 'lognormal':
      return like('LogNormal', [predictor, positive('sigma', FAMILY_PRIORS.sigma)]);
    // Identity link, scale sigma and degrees of freedom nu estimated (glmmTMB's t_family, brms's student).
    case 'student': {
      const nu = positive('nu', FAMILY_PRIORS.nu);
      return like('StudentT', [nu, predictor, positive('sigma', FAMILY_PRIORS.sigma)]);
    }
    // A zero part and a count model: zero-inflated (a structural zero with probability zi; glmmTMB's
    // ziformula, brms's zero_inflated_*) or a hurdle (a zero with probability hu, else the count model
    // truncated to y >= 1; brms's hurdle_*, glmmTMB's truncated families with ziformula, whose zi is hu).
    case 'zero_inflated_poisson':
    case 'zero_inflated_negbinomial':
    case 'hurdle_poisson':
    case 'hurdle_negbinomial': {
      const { dist, part, negbin } = ZERO_PARTS[family];
      const phi = negbin ? [positive('phi', FAMILY_PRIORS.dispersion)] : [];
      const z = zeroPart(part);
      return like(dist, [predictor, ...phi, z.arg], z.form);
    }
    // Logit link: mean mu = inv_logit(eta) and precision phi, Beta(mu phi, (1 - mu) phi) (glmmTMB's beta_family).
    case 'beta': {
      const phi = positive('phi', FAMILY_PRIORS.dispersion);
      return like('Beta', [mul(phi, { op: 'call', fn: 'inv_logit', arg: predictor }), mul(phi, { op: 'call', fn: 'inv_logit', arg: { op: 'neg', arg: predictor } })]);
    }
  }
}
