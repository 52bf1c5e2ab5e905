import { sentenceWarning, type EngineWarning } from '../core/warning.js';
import type { LogDensity } from '../core/log_density.js';

/** sum_k w_k 'name_k' as one writes it: 'h2q' - 'flo:h2q', 1.5 '(Intercept)'. */
function combination(terms: readonly { coord: number; weight: number }[], names: readonly string[]): string {
  return terms.map((t, i) => {
    const size = Math.abs(t.weight);
    const sign = t.weight < 0 ? (i === 0 ? '-' : ' - ') : i === 0 ? '' : ' + ';
    return `${sign}${Math.abs(size - 1) < 1e-9 ? '' : `${Number(size.toPrecision(3))} `}'${names[t.coord]}'`;
  }).join('');
}

/**
 * lme4's "fixed-effect model matrix is rank deficient so dropping n columns / coefficients": which
 * coefficients were held at 0 and what their columns equal, so that the user can see the design's problem
 * (a factor that repeats another, a constant covariate, an interaction cell without rows). Under the
 * posterior nothing is dropped (the priors identify them), and the warning says what that means: every
 * posterior engine gives it (api/engines.ts), since each sees only the log density.
 */
export function aliasedWarnings(ld: LogDensity, mode: 'ml' | 'reml' | 'posterior'): EngineWarning[] {
  const aliased = ld.aliased?.() ?? [];
  if (aliased.length === 0) return [];
  const names = ld.names;
  const what = aliased.map((a) => {
    return `'${names[a.coord]}' (${a.of.length === 0 ? 'no row reads it' : `its column equals ${combination(a.of, names)}`})`;
  });
  const n = aliased.length;
  const params = aliased.map((a) => names[a.coord]);
  if (mode === 'posterior') {
    // The priors keep the posterior proper, but along these combinations it is the priors' alone.
    return [sentenceWarning('rank-deficient', `the fixed-effect model matrix is rank deficient: ${what.join('; ')}. The data cannot tell ${n > 1 ? 'these coefficients' : 'this coefficient'} ` +
      'from the columns it equals, so only the priors separate them: their posterior means and sds along that combination are the priors\', ' +
      'not the data\'s. Remove or recode the columns, or use --ml, which drops them as lme4 does', params)];
  }
  return [sentenceWarning('rank-deficient', `the fixed-effect model matrix is rank deficient, so ${n} coefficient${n > 1 ? 's are' : ' is'} dropped (held at 0, no SE), as lme4 drops ` +
    `${n > 1 ? 'them' : 'it'}: ${what.join('; ')}. The other coefficients are estimated without ${n > 1 ? 'them' : 'it'}; ` +
    'to choose which one goes, remove or recode the columns in the model', params)];
}
