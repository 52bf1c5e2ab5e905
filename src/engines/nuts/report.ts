import { sentenceWarning, type EngineWarning } from '../../core/warning.js';
import { summaryDiagnostics, type SummaryDiagnostics } from '../../diagnostics/mcmc.js';
import { column } from '../../math/column.js';
import { ebfmi, EBFMI_THRESHOLD } from '../../diagnostics/mcmc_sampler.js';
import type { ChainOutput } from './chain.js';
import { drifting, type Drift } from './drift.js';

/** Stan's and posterior's thresholds: R-hat 1.01 (Vehtari et al. 2021), ESS 100 per chain, E-BFMI 0.3. */
export const RHAT_THRESHOLD = 1.01;
export const ESS_PER_CHAIN = 100;

export interface SamplerSummary {
  readonly divergences: number;
  readonly treeDepthHits: number;
  readonly transitions: number;
  readonly ebfmi: number[];
  readonly meanAcceptStat: number;
  readonly leapfrogs: number;
  /** Coordinates carried off beyond the spread warm-up measured (drift.ts): an improper posterior. */
  readonly drift: readonly Drift[];
}

export function samplerSummary(chains: readonly ChainOutput[], maxDepth: number): SamplerSummary {
  let divergences = 0;
  let treeDepthHits = 0;
  let transitions = 0;
  let accept = 0;
  let leapfrogs = 0;
  for (const c of chains) {
    const s = c.stats;
    for (let i = 0; i < s.divergent.length; i++) {
      divergences += s.divergent[i];
      if (s.treeDepth[i] >= maxDepth) treeDepthHits++;
      accept += s.acceptStat[i];
      leapfrogs += s.nLeapfrog[i];
      transitions++;
    }
    leapfrogs += c.warmupLeapfrogs;
  }
  return {
    divergences, treeDepthHits, transitions, ebfmi: chains.map((c) => ebfmi(c.stats.energy)), meanAcceptStat: accept / transitions, leapfrogs,
    drift: drifting(chains),
  };
}

const list = (names: string[]): string => {
  const shown = names.slice(0, 3).map((n) => `'${n}'`).join(', ');
  return names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
};

/**
 * Plain warnings about the sampler, each with its number and what to do about it. `names` (theta's)
 * name the drifting coordinates; without them they are numbered in the order `ppl check` lists them.
 */
export function samplerWarnings(s: SamplerSummary, maxDepth: number, names: readonly string[] = [], hierarchies = false): EngineWarning[] {
  const w: EngineWarning[] = [];
  for (const d of s.drift) {
    const name = names[d.index] ?? `unconstrained coordinate ${d.index + 1}`;
    w.push(sentenceWarning('improper-drift', `'${name}' drifts without bound: in ${d.chains} of ${d.ofChains} chains its draws spread over up to ${d.ratio.toPrecision(2)} times ` +
      `the variance warm-up measured, reaching ${d.largest.toPrecision(2)}; the posterior is probably improper (a flat prior on a parameter ` +
      'the data do not bound, e.g. complete separation), and these draws describe no distribution. Give it a proper prior.', [name], { chains: d.chains, varianceRatio: d.ratio, largest: d.largest }));
  }
  if (s.divergences > 0) {
    w.push(sentenceWarning('divergences', `${s.divergences} of ${s.transitions} transitions after warm-up were divergent: the sampler could not follow the posterior's ` +
      'curvature and the draws may be biased. Raise --adapt-delta (0.95, 0.99) for smaller steps, or reparameterise ' +
      (hierarchies
        ? '(--parametrisation non-centred samples every hierarchy of the model as u = sigma * z with z ~ Normal(0, 1)).'
        : '(e.g. non-centered random effects: u = sigma * z with z ~ Normal(0, 1)).'), [], { divergences: s.divergences, transitions: s.transitions }));
  }
  if (s.treeDepthHits > 0) {
    w.push(sentenceWarning('tree-depth', `${s.treeDepthHits} of ${s.transitions} transitions hit the maximum tree depth ${maxDepth}: trajectories were cut short. ` +
      'This costs efficiency, not validity; raise --max-depth, or try --dense for a strongly correlated posterior.', [], { treeDepthHits: s.treeDepthHits, transitions: s.transitions, maxDepth }));
  }
  s.ebfmi.forEach((e, k) => {
    if (e < EBFMI_THRESHOLD) {
      w.push(sentenceWarning('low-ebfmi', `chain ${k + 1} has E-BFMI ${e.toFixed(2)} < ${EBFMI_THRESHOLD}: momentum resampling explores the energy poorly ` +
        '(heavy tails or a funnel). Reparameterise the model; more draws will not fix it.', [], { chain: k + 1, ebfmi: e }));
    }
  });
  return w;
}

export interface ConvergenceSummary {
  /** Each quantity's diagnostics, in the order of `names`. */
  readonly diagnostics: SummaryDiagnostics[];
  readonly maxRhat: number;
  readonly minEssBulk: number;
  readonly minEssTail: number;
  readonly warnings: EngineWarning[];
}

/**
 * R-hat and ESS of every named quantity (constrained draws, chain-major): warnings that name the worst ones.
 * Non-finite diagnostics (a constant quantity) are skipped.
 */
export function convergenceWarnings(names: readonly string[], draws: readonly Float64Array[], chains: number): ConvergenceSummary {
  const rows = names.map((name, j) => ({ name, d: summaryDiagnostics(column(draws, j), chains) }));
  const finite = (v: number): boolean => Number.isFinite(v);
  const maxRhat = Math.max(...rows.map((r) => r.d.rhat).filter(finite));
  const minEssBulk = Math.min(...rows.map((r) => r.d.essBulk).filter(finite));
  const minEssTail = Math.min(...rows.map((r) => r.d.essTail).filter(finite));
  const minEss = ESS_PER_CHAIN * chains;
  const warnings: EngineWarning[] = [];
  const highRhat = rows.filter((r) => r.d.rhat > RHAT_THRESHOLD).sort((a, b) => b.d.rhat - a.d.rhat);
  if (highRhat.length > 0) {
    warnings.push(sentenceWarning('high-rhat', `R-hat up to ${highRhat[0].d.rhat.toFixed(3)} > ${RHAT_THRESHOLD} for ${list(highRhat.map((r) => r.name))}: the chains ` +
      'disagree, so do not trust these estimates. Run longer (--warmup, --draws); if it persists, look for multimodality ' +
      'or a parameter the data and priors do not identify.', highRhat.map((r) => r.name), { maxRhat: highRhat[0].d.rhat }));
  }
  const lowEss = rows.filter((r) => r.d.essBulk < minEss || r.d.essTail < minEss)
    .sort((a, b) => Math.min(a.d.essBulk, a.d.essTail) - Math.min(b.d.essBulk, b.d.essTail));
  if (lowEss.length > 0) {
    const worst = Math.min(lowEss[0].d.essBulk, lowEss[0].d.essTail);
    warnings.push(sentenceWarning('low-ess', `effective sample size as low as ${worst.toFixed(0)} < ${minEss} (${ESS_PER_CHAIN} per chain) for ${list(lowEss.map((r) => r.name))}: ` +
      'means, sds and especially the 2.5%/97.5% quantiles are imprecise. Run more draws (--draws).', lowEss.map((r) => r.name), { minEss: worst, target: minEss }));
  }
  return { diagnostics: rows.map((r) => r.d), maxRhat, minEssBulk, minEssTail, warnings };
}
