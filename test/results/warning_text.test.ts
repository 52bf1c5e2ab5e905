import { describe, expect, it } from 'vitest';
import { warning } from '../../src/core/warning.js';
import { aliasedWarnings } from '../../src/engines/aliased_warnings.js';
import type { OptimizeResult } from '../../src/engines/vi/optimize.js';
import { optimizerWarnings } from '../../src/engines/vi/warnings.js';
import { DEFAULT_VI } from '../../src/engines/vi/settings.js';
import { fitWarning, warningText } from '../../src/results/warning_text.js';

/*
 * The sentences of warnings that the fits elsewhere in the suite do not reach, from the data their
 * producers return. Each expected sentence is the one the producer wrote itself before the sentences
 * moved here, so a change of wording shows as a failure.
 */
describe("VI's optimizer record", () => {
  const windows = [-1234.56789, -1200.1, -1100.05, -1000.25, -950.75].map((elbo, k) => ({ step: 100 * (k + 1), elbo, elboSe: 1, lambda: new Float64Array(0) }));
  const record = (over: Partial<OptimizeResult>): OptimizeResult => ({
    lambda: new Float64Array(0), steps: 321, stopReason: 'max-steps', climbSteps: 321, averagedSteps: 0, windows,
    mcseMean: 0.03456, mcseLogSd: 0.0123, iterateSd: 0.4567, stillRising: true, dropped: 50, ...over,
  });

  it('a step limit, a rising ELBO, no averaging and dropped draws, with their numbers', () => {
    const w = optimizerWarnings(record({}), { ...DEFAULT_VI, average: false }, 1000);
    expect(w.map((x) => x.code)).toEqual(['vi-step-limit', 'vi-still-rising', 'vi-no-averaging', 'vi-dropped-draws']);
    expect(w[1].figures).toEqual({ steps: 10000, earlierElbo: -1200.1, earlierStep: 200, elbo: -950.75, step: 500 });
    expect(w.map(warningText)).toEqual([
      'VI reached its step limit (10000) before the averaged answer settled (MCSE 0.035 posterior sd, 0.012 in log sd; target 0.02): raise --steps, or check the spread with --runs',
      'the ELBO was still rising when the 10000 steps ran out (-1200.1 at step 200, -950.8 at step 500): the optimizer had not converged; raise --steps, or use the default recipe (start at the mode)',
      'no iterate averaging: the answer is the last iterate of a noisy optimizer, whose means still moved by up to 0.46 posterior sds (Laplace) over its last 321 steps; ' +
        'expect other seeds to give other answers (check with --runs)',
      '50 of 1000 Monte Carlo draws had a non-finite log density and were dropped: the optimizer may have wandered into overflow',
    ]);
  });

  it('a collapse at every learning rate, and the unit of a random start', () => {
    const w = optimizerWarnings(record({ stopReason: 'fell-below-start', stillRising: false, steps: 10000 }), { ...DEFAULT_VI, average: false, init: 'random' }, 100000);
    expect(w.map(warningText)).toEqual([
      "VI diverged from its start at every learning rate tried (its windowed ELBO stayed far below the start's: -950.75 at step 500): the answer is that start, " +
        "the nested Laplace fit's Gaussian, whose ELBO is higher than any q the optimizer reached; use --engine laplace or nuts",
      "no iterate averaging: the answer is the last iterate of a noisy optimizer, whose means still moved by up to 0.46 of q's own sds over its last 500 steps; " +
        'expect other seeds to give other answers (check with --runs)',
    ]);
  });
});

describe('a rank-deficient design', () => {
  const names = ['(Intercept)', 'x', 'const', 'hq', 'f2Q', 'flo:h2q', 'h2q'];
  const ld = {
    names, aliased: () => [{ coord: 4, of: [{ coord: 3, weight: 1 }] }, { coord: 5, of: [{ coord: 6, weight: -1 }, { coord: 5, weight: 1 }, { coord: 0, weight: -2.345678 }] }, { coord: 1, of: [] }],
  };
  const what = "'f2Q' (its column equals 'hq'); 'flo:h2q' (its column equals -'h2q' + 'flo:h2q' - 2.35 '(Intercept)'); 'x' (no row reads it)";

  it('under REML: the coefficients dropped, each with the combination its column equals', () => {
    const [w] = aliasedWarnings(ld, 'reml');
    expect(w.params).toEqual(['f2Q', 'flo:h2q', 'x']);
    expect(warningText(w)).toBe(`the fixed-effect model matrix is rank deficient, so 3 coefficients are dropped (held at 0, no SE), as lme4 drops them: ${what}. ` +
      'The other coefficients are estimated without them; to choose which one goes, remove or recode the columns in the model');
  });

  it('under the posterior: kept, and only the priors separate them', () => {
    expect(warningText(aliasedWarnings(ld, 'posterior')[0])).toBe(`the fixed-effect model matrix is rank deficient: ${what}. The data cannot tell these coefficients ` +
      "from the columns it equals, so only the priors separate them: their posterior means and sds along that combination are the priors', not the data's. " +
      'Remove or recode the columns, or use --ml, which drops them as lme4 does');
  });
});

describe('warnings the fits of the suite do not give', () => {
  it('two dispersions at infinity, a random grid with few effective points, an unconverged inner solve, --psis on a nested fit', () => {
    expect(warningText(warning('at-infinity', { items: [{ name: 'phi', estimate: 127_961_234.5 }, { name: 'psi', estimate: 13_412.3 }] }, ['phi', 'psi']))).toBe(
      "'phi', 'psi' run to infinity (estimated at 128000000, 13400 with the likelihood nearly flat beyond): the data show none of what they describe " +
      "(a negative binomial's dispersion that large is a Poisson model), so no standard error is reported for them (NaN); fit the simpler model");
    expect(warningText(warning('grid-low-ess', { figures: { ess: 12.6, points: 400, hyperparameters: 2 } }, ['sd_g', 'sd_h']))).toBe(
      "importance sampling over the 2 hyperparameters kept an effective sample size of 13 of 400 points: the posterior of 'sd_g', 'sd_h', and the effects " +
      'mixed over it, may be off; --engine nuts for these');
    expect(warningText(warning('inner-not-converged', {}))).toBe('the inner Newton solve for the random effects did not reach its tolerance at the estimate: the log-likelihood may be inaccurate');
    expect(warningText(warning('psis-not-applied', {}))).toBe('--psis applies to a single Gaussian (a model without hyperparameters); the nested approximation is not reweighted');
  });
});

describe('a warning several runs gave', () => {
  it('says how many and whose numbers it quotes, in the sentence and the figures', () => {
    const w = fitWarning(warning('vi-lr-rerun', { figures: { lr: 0.01 }, items: [0.25, 0.05] }), { count: 2, of: 3, seed: 4 });
    expect(w.message).toBe("the optimizer diverged at learning rate 0.25, then 0.05 (its ELBO fell below the Laplace start's) and was rerun at 0.01 (2 of 3 runs; numbers from seed 4)");
    expect(w.figures).toEqual({ lr: 0.01, runs: 2, ofRuns: 3, seed: 4 });
  });
});
