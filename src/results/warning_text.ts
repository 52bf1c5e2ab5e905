import type { Aliased, Alternative, Approximation, EngineWarning, FitWarning, Moved, WarningCode } from '../core/warning.js';

/** Names quoted, as the summary shows them: 'sd[g, (Intercept)]', 'phi'. */
const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/** A number to three significant digits, without trailing zeros: 128000, 0.0123. */
const threeDigits = (v: number): string => String(Number(v.toPrecision(3)));

/** sum_k w_k 'name_k' as one writes it: 'h2q' - 'flo:h2q', 1.5 '(Intercept)'. */
function combination(terms: Aliased['equals']): string {
  return terms.map((t, i) => {
    const size = Math.abs(t.weight);
    const sign = t.weight < 0 ? (i === 0 ? '-' : ' - ') : i === 0 ? '' : ' + ';
    return `${sign}${Math.abs(size - 1) < 1e-9 ? '' : `${threeDigits(size)} `}'${t.name}'`;
  }).join('');
}

/** Each Gaussian approximation as a sentence names it. */
const APPROXIMATION: Readonly<Record<Approximation, string>> = {
  'joint-mode': 'the Gaussian at the joint mode',
  'posterior': 'the Gaussian approximation of the posterior',
  'latent-field': 'the Gaussian approximation of the latent field given the hyperparameters (at their posterior mode)',
  'meanfield': 'the mean-field Gaussian',
  'fullrank': 'the full-rank Gaussian',
};

/** "--engine fullrank, laplace or nuts". */
function engines(alternatives: readonly Alternative[]): string {
  const names = alternatives.map((a) => (a === 'nested' ? 'laplace (nested)' : a));
  return `--engine ${names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names[0]}`;
}

/** A fraction as a whole percentage: 0.2 as 20%. */
const percent = (x: number): string => `${Math.round(100 * x)}%`;

/** A mean shift in sds, signed: +0.31, -0.20. */
const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/**
 * "'b' (mean +0.31 sd, sd x1.25), ...": every fixed effect and hyperparameter (they are few, and what a
 * user reads first), then random effects up to five, and a count of the rest.
 */
function movedText(moved: readonly Moved[]): string {
  const [outer, effects] = [moved.filter((m) => !m.random), moved.filter((m) => m.random)];
  const shown = [...outer, ...effects].slice(0, Math.max(5, outer.length + Math.min(5, effects.length)));
  const text = shown.map((m) => `'${m.name}' (mean ${signed(m.shift)} sd, sd x${m.sdRatio.toFixed(2)})`).join(', ');
  return moved.length > shown.length ? `${text} and ${moved.length - shown.length} more` : text;
}

/** Up to three names, quoted, then how many more. */
function firstThree(names: readonly string[] = []): string {
  const shown = quoted(names.slice(0, 3));
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
}

/**
 * The sentence of every warning code, from the data its producer gave (src/core/warning.ts): what was
 * found, with its numbers, and what to do about it. Written here alone, so that engines and diagnostics
 * hand back values and the CLI, run.json and an app read the same sentence.
 */
const TEXT: { readonly [C in WarningCode]: (w: EngineWarning<C>) => string } = {
  // MCMC (nuts, hmc)
  'improper-drift': ({ params = [], figures: f }) => `'${params[0]}' drifts without bound: in ${f.chains} of ${f.ofChains} chains its draws spread over up to ` +
    `${f.varianceRatio.toPrecision(2)} times the variance warm-up measured, reaching ${f.largest.toPrecision(2)}; the posterior is probably improper ` +
    '(a flat prior on a parameter the data do not bound, e.g. complete separation), and these draws describe no distribution. Give it a proper prior.',
  'divergences': ({ figures: f }) => `${f.divergences} of ${f.transitions} transitions after warm-up were divergent: the sampler could not follow the posterior's ` +
    'curvature and the draws may be biased. Raise --adapt-delta (0.95, 0.99) for smaller steps, or reparameterise ' +
    (f.hierarchies > 0
      ? '(--parametrisation non-centred samples every hierarchy of the model as u = sigma * z with z ~ Normal(0, 1)).'
      : '(e.g. non-centered random effects: u = sigma * z with z ~ Normal(0, 1)).'),
  'tree-depth': ({ figures: f }) => `${f.treeDepthHits} of ${f.transitions} transitions hit the maximum tree depth ${f.maxDepth}: trajectories were cut short. ` +
    'This costs efficiency, not validity; raise --max-depth, or try --dense for a strongly correlated posterior.',
  'low-ebfmi': ({ figures: f }) => `chain ${f.chain} has E-BFMI ${f.ebfmi.toFixed(2)} < ${f.threshold}: momentum resampling explores the energy poorly ` +
    '(heavy tails or a funnel). Reparameterise the model; more draws will not fix it.',
  'high-rhat': ({ params, figures: f }) => `R-hat up to ${f.maxRhat.toFixed(3)} > ${f.threshold} for ${firstThree(params)}: the chains ` +
    'disagree, so do not trust these estimates. Run longer (--warmup, --draws); if it persists, look for multimodality ' +
    'or a parameter the data and priors do not identify.',
  'low-ess': ({ params, figures: f }) => `effective sample size as low as ${f.minEss.toFixed(0)} < ${f.target} (${f.perChain} per chain) for ${firstThree(params)}: ` +
    'means, sds and especially the 2.5%/97.5% quantiles are imprecise. Run more draws (--draws).',
  'interrupted': ({ figures: f }) => `interrupted: the summary is of ${f.chains} of ${f.ofChains} chains, cut to the first ${f.drawsPerChain} of ${f.ofDrawsPerChain} draws each`,
  // every engine
  'rank-deficient': ({ facts, items }) => {
    const what = items.map((a) => `'${a.name}' (${a.equals.length === 0 ? 'no row reads it' : `its column equals ${combination(a.equals)}`})`).join('; ');
    const many = items.length > 1;
    if (facts.fit === 'posterior') {
      return `the fixed-effect model matrix is rank deficient: ${what}. The data cannot tell ${many ? 'these coefficients' : 'this coefficient'} ` +
        'from the columns it equals, so only the priors separate them: their posterior means and sds along that combination are the priors\', ' +
        'not the data\'s. Remove or recode the columns, or use --ml, which drops them as lme4 does';
    }
    return `the fixed-effect model matrix is rank deficient, so ${items.length} coefficient${many ? 's are' : ' is'} dropped (held at 0, no SE), as lme4 drops ` +
      `${many ? 'them' : 'it'}: ${what}. The other coefficients are estimated without ${many ? 'them' : 'it'}; ` +
      'to choose which one goes, remove or recode the columns in the model';
  },
  // --ml, --reml
  'singular-fit': ({ params = [] }) => `boundary (singular) fit: ${quoted(params)} ${params.length > 1 ? 'are' : 'is'} estimated at the edge of ` +
    'its range (a standard deviation at 0, or a correlation at +-1, or not identified); no standard error is reported for it (NaN), ' +
    'and the model may be simpler than written (lme4 says the same: see ?isSingular)',
  'at-infinity': ({ items }) => {
    const many = items.length > 1;
    return `${quoted(items.map((i) => i.name))} ${many ? 'run' : 'runs'} to infinity (estimated at ${items.map((i) => threeDigits(i.estimate)).join(', ')} ` +
      `with the likelihood nearly flat beyond): the data show none of what ${many ? 'they describe' : 'it describes'} (a negative binomial's ` +
      `dispersion that large is a Poisson model), so no standard error is reported for ${many ? 'them' : 'it'} (NaN); fit the simpler model`;
  },
  'optimizer-stopped': ({ facts, figures: f }) => `the optimizer stopped (${facts.reason}) with a gradient of ${f.gradNorm.toExponential(2)} in sd units: the estimate may be inaccurate`,
  'inner-not-converged': () => 'the inner Newton solve for the random effects did not reach its tolerance at the estimate: the log-likelihood may be inaccurate',
  // Gaussian approximations: PSIS's verdict
  'khat-poor': ({ figures: f, facts, items }) => {
    const digits = f.khat.toFixed(2) === f.threshold.toFixed(2) ? 3 : 2;
    const moves = items.length > 0 ? `; importance reweighting moves ${movedText(items)}` : '';
    return `Pareto k-hat = ${f.khat.toFixed(digits)} > ${f.threshold.toFixed(digits)}: ${APPROXIMATION[facts.approximation]} is poor in the tails, so its sds and ` +
      `intervals are likely too narrow and PSIS reweighting is unreliable${moves}; use ${engines(facts.instead)} for ${items.length > 0 ? 'these' : 'sds and intervals'}, ` +
      'or trust only the means';
  },
  'khat-shifts': ({ figures: f, facts, items }) => {
    const what = APPROXIMATION[facts.approximation];
    const remedy = facts.reweighting === 'applied' ? `the draws are reweighted (PSIS effective sample size ${Math.round(f.psisEss)})`
      : facts.reweighting === 'available' ? `--psis applies this reweighting (PSIS effective sample size ${Math.round(f.psisEss)} of ${f.draws} draws)`
        : `${engines(facts.instead)} for exact tails`;
    // At k-hat <= 0.5 the approximation's tails are fine (the weights are reliable); what is off is its
    // centre or shape, which the reweighting shows.
    const verdict = f.khat <= 0.5 ? `the importance weights are reliable and show that ${what} is off` : `${what} is usable but imperfect`;
    return `Pareto k-hat = ${f.khat.toFixed(2)}: ${verdict}; importance reweighting moves ${movedText(items)}; ${remedy}`;
  },
  'psis-low-ess': ({ figures: f }) => `PSIS effective sample size ${f.psisEss.toFixed(0)} < ${f.minEss} after ${f.draws} draws: the reweighted estimates are unreliable`,
  'psis-not-applied': () => '--psis applies to a single Gaussian (a model without hyperparameters); the nested approximation is not reweighted',
  'mode-not-converged': ({ figures: f, facts }) => `the optimizer did not converge: it stopped (${facts.reason}, then ${f.newtonSteps} Newton steps) with gradient norm ` +
    `${f.gradNorm.toExponential(2)}, and a Newton step from there would still move the mode by ${f.offsetSds.toPrecision(2)} posterior sds: ` +
    'the estimates may be off by about that much',
  // nested Laplace over the hyperparameters
  'grid-truncated': ({ params = [], figures: f }) => `the grid over the hyperparameters stopped at ${f.points} points before the posterior fell off: ` +
    `the tails of ${quoted(params)} may be cut short and their sds too small; --engine nuts for these`,
  'grid-low-ess': ({ params = [], figures: f }) => `importance sampling over the ${f.hyperparameters} hyperparameters kept an effective sample size of ` +
    `${Math.round(f.ess)} of ${f.points} points: the posterior of ${quoted(params)}, and the effects mixed over it, may be off; --engine nuts for these`,
  'marginal-poor': ({ params = [], figures: f }) => `the Laplace approximation over the latent field is poor where ${(100 * f.mass).toFixed(0)}% of the ` +
    `hyperparameters' posterior lies (importance-sampling k-hat up to ${f.maxKhat.toFixed(2)} at the grid's points): the posterior of ${quoted(params)}, ` +
    'and the effects mixed over it, may be off; use --engine nuts',
  'multimodal': ({ params = [], items: [described, ...others] }) => {
    const at = (phi: readonly number[]): string => phi.map((v, j) => `${params[j]} = ${threeDigits(v)}`).join(', ');
    return `the hyperparameters' posterior has more than one mode: nested Laplace describes the one at ${at(described.at)}, not ` +
      `${others.map((m) => `the one at ${at(m.at)} (log density ${m.logDensity.toFixed(2)} from the first)`).join(' or ')}; ` +
      'every quantity may be off. --engine nuts samples all of them';
  },
  'heavy-tail': ({ figures: f, items }) => {
    // Up to six, the largest shares; a vector by its name and its count of elements.
    const label = (i: (typeof items)[number]): string => (i.elements === 1 ? `'${i.name}'` : `'${i.name.replace(/\[.*$/, '')}' (${i.elements} elements)`);
    const shown = items.slice(0, 6).map((i) => `${label(i)} ${(100 * i.share).toFixed(0)}%`).join(', ');
    const more = items.length > 6 ? ` and ${items.length - 6} more` : '';
    return `the posterior reaches beyond the grid over the hyperparameters: ${shown}${more} of the variance comes from the grid's ` +
      `outermost layer, which holds ${(100 * f.layerMass).toFixed(1)}% of the mass, and is not falling off there (a heavy tail, or a variance that ` +
      'grows along a scale without bound, as in a funnel): the sds and outer quantiles printed are likely too small, and a tail this heavy may ' +
      'have no finite mean or sd at all. --engine nuts follows the tail further, and says when it cannot';
  },
  // VI
  'meanfield-sds': ({ figures: f, items = [] }) => {
    const base = 'mean-field VI ignores correlations between parameters and underestimates posterior sds';
    if (!f) return `${base}; compare with --engine fullrank before trusting sds or intervals`;
    if (f.short === 0) return `${base}; here every sd is within ${percent(f.limit)} of the nested Laplace fit's`;
    // Every fixed effect and hyperparameter by name, the random effects counted with the worst named.
    const [outer, effects] = [items.filter((i) => !i.random), items.filter((i) => i.random)];
    const parts = [
      ...outer.map((i) => `'${i.name}' (${percent(1 - i.sdRatio)} below)`),
      ...(effects.length > 0 ? [`${effects.length} random effect${effects.length > 1 ? 's' : ''} (worst '${effects[0].name}', ${percent(1 - effects[0].sdRatio)} below)`] : []),
    ];
    return `${base}: ${f.short} of ${f.sds} sds are more than ${percent(f.limit)} below the nested Laplace fit's: ${parts.join(', ')}; ` +
      'use --engine fullrank, laplace or nuts for sds and intervals, or trust only the means';
  },
  'vi-step-limit': ({ figures: f }) => `VI reached its step limit (${f.steps}) before the averaged answer settled (MCSE ${f.mcseMean.toFixed(3)} posterior sd, ` +
    `${f.mcseLogSd.toFixed(3)} in log sd; target ${f.tol}): raise --steps, or check the spread with --runs`,
  'vi-diverged': ({ figures: f }) => 'VI diverged from its start at every learning rate tried (its windowed ELBO stayed far below the start\'s: ' +
    `${f.elbo.toPrecision(5)} at step ${f.step}): the answer is that start, the nested Laplace fit's Gaussian, whose ELBO is higher than any q the ` +
    'optimizer reached; use --engine laplace or nuts',
  'vi-still-rising': ({ figures: f }) => `the ELBO was still rising when the ${f.steps} steps ran out (${f.earlierElbo.toFixed(1)} at step ${f.earlierStep}, ` +
    `${f.elbo.toFixed(1)} at step ${f.step}): the optimizer had not converged; raise --steps, or use the default recipe (start at the mode)`,
  'vi-no-averaging': ({ figures: f, facts }) => 'no iterate averaging: the answer is the last iterate of a noisy optimizer, whose means still moved by up to ' +
    `${f.iterateSd.toFixed(2)} ${facts.init === 'mode' ? 'posterior sds (Laplace)' : "of q's own sds"} over its last ${f.lastSteps} steps; ` +
    'expect other seeds to give other answers (check with --runs)',
  'vi-dropped-draws': ({ figures: f }) => `${f.dropped} of ${f.draws} Monte Carlo draws had a non-finite log density and were dropped: ` +
    'the optimizer may have wandered into overflow',
  'vi-lr-rerun': ({ figures: f, items }) => `the optimizer diverged at learning rate ${items.join(', then ')} (its ELBO fell below the Laplace start's) ` +
    `and was rerun at ${f.lr}`,
  'vi-vs-laplace': ({ facts, items }) => {
    // Every fixed effect and hyperparameter that is off (they are few and they are what a user reads); random effects up to five, then a count.
    const [outer, effects] = [items.filter((i) => !i.random), items.filter((i) => i.random)];
    const listed = [...outer, ...effects.slice(0, 5)].map((i) => `${i.name} (mean ${signed(i.shift)} sd, sd x${i.sdRatio.toFixed(2)})`);
    if (effects.length > 5) listed.push(`${effects.length - 5} more random effects`);
    return `the ${facts.family === 'meanfield' ? 'mean-field' : 'full-rank'} Gaussian disagrees with the nested Laplace fit it started from on ${items.length} ` +
      `quantit${items.length === 1 ? 'y' : 'ies'}: ${listed.join(', ')} (in the unconstrained parameters). A Gaussian in all ` +
      'parameters jointly cannot follow a hierarchical scale; --engine laplace (nested) or --engine nuts is the better guide for these';
  },
  // the API
  'runs-disagree': ({ figures: f, items }) => `across ${f.runs} runs (seeds ${f.firstSeed}-${f.lastSeed}) the means of ${items.length} quantities ` +
    `vary by more than ${f.limit} posterior sd: ${items.slice(0, 5).map((i) => `${i.name} (${i.spread.toFixed(2)} sd)`).join(', ')}` +
    `${items.length > 5 ? ', ...' : ''}; one run's answer depends on its seed`,
  'inherited': ({ items }) => 'generated quantities computed from parameters named above carry their error: ' +
    items.map((i) => `${i.name} (${i.effects === undefined ? '' : `${i.effects} data-scale random effects, `}from ${i.from.join(', ')})`).join(', '),
};

/** The sentence of a warning. */
export function warningText(w: EngineWarning): string {
  return (TEXT[w.code] as (w: EngineWarning) => string)(w);
}

/** With --runs K: how many runs gave a warning, of how many, and the seed of the first that did (whose numbers it quotes). */
export interface RunsGiving {
  readonly count: number;
  readonly of: number;
  readonly seed: number;
}

/** A warning with its sentence; one that several runs gave says how many, and the run whose numbers it quotes. */
export function fitWarning(w: EngineWarning, runs?: RunsGiving): FitWarning {
  const { code, ...data } = w;
  const text = warningText(w);
  const message = runs ? `${text} (${runs.count} of ${runs.of} runs; numbers from seed ${runs.seed})` : text;
  const figures = runs ? { figures: { ...w.figures, runs: runs.count, ofRuns: runs.of, seed: runs.seed } } : {};
  return { code, message, ...data, ...figures } as FitWarning;
}
