import type { Hierarchy, LogDensity } from '../../core/log_density.js';
import type { Rng } from '../../core/rng.js';
import { posteriorCentre, type PosteriorCentre } from '../nested/centre.js';
import type { SampledForm } from '../reparam_density.js';
import type { Parametrisation } from './options.js';

/**
 * How much the data say about a group's coefficient beside what the hierarchy says is the likelihood's
 * precision over the prior's, sd^2 I. Well above 1 the centred form samples better (the group coefficients
 * are pinned by their own data and nearly independent of the scale); below 1 the non-centred form does
 * (the prior dominates, and centring makes the funnel): Papaspiliopoulos, Roberts & Skold (2007). Between,
 * either can be worse (the ratio moves with the scale across the posterior), so the block stays as written.
 * Centred needs the weak groups informed too (the tenth percentile), since they make the funnel's neck.
 */
const CENTRE_ABOVE = 5;
const NON_CENTRE_BELOW = 1;

/** sd^2 I for each effect of a block at the posterior's centre, from the field's conditional precision there. */
function informationRatios(b: Hierarchy, centre: PosteriorCentre): number[] {
  const out: number[] = [];
  b.effects.forEach((coords, k) => {
    const sd2 = Math.exp(2 * centre.theta[b.scales[k]]);
    for (const c of coords) {
      const h = centre.curvature.get(c);
      if (h === undefined || !Number.isFinite(h)) continue;
      // The precision of z is 1 + sd^2 I; of u or m it is 1 / sd^2 + I.
      out.push(b.written === 'standardised' ? h - 1 : sd2 * h - 1);
    }
  });
  return out;
}

/** The p-quantile of xs (the order statistic at p (n - 1), rounded down). */
function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(p * (s.length - 1))];
}

/**
 * The form each of ld's hierarchies is sampled in; undefined: as the model writes them. 'auto' measures
 * each block at the posterior's centre (nested Laplace's mode): centred where the tenth-percentile group's
 * information ratio exceeds CENTRE_ABOVE, non-centred where the median group's is below NON_CENTRE_BELOW,
 * otherwise as written (a centred block with its location taken in), and as written where it cannot measure.
 */
export function sampledForms(ld: LogDensity, how: Parametrisation, rng: Rng): SampledForm[] | undefined {
  const blocks = ld.hierarchies ?? [];
  if (blocks.length === 0 || how === 'as-written') return undefined;
  if (how === 'centred') return blocks.map(() => 'centred');
  if (how === 'non-centred') return blocks.map(() => 'standardised');
  const centre = posteriorCentre(ld, rng);
  if (!centre) return undefined;
  return blocks.map((b) => {
    const ratios = informationRatios(b, centre);
    if (ratios.length === 0) return 'written';
    if (quantile(ratios, 0.1) > CENTRE_ABOVE) return 'centred';
    if (quantile(ratios, 0.5) < NON_CENTRE_BELOW) return 'standardised';
    // In between, a centred block keeps its form but takes in its location: u beside the intercept b
    // has the same funnel as m = b + u, and a ridge between b and the mean of u besides (a negative
    // binomial with groups of 1-20 rows: 12 times the ESS per draw).
    return b.written === 'centred' ? 'centred' : 'written';
  });
}
