import { warning, type EngineWarning } from '../../core/warning.js';
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

/**
 * Warnings about the sampler, each with its numbers. `names` (theta's) name the drifting coordinates;
 * without them they are numbered in the order `ppl check` lists them. `hierarchies`: how many the model
 * has, for the remedy a divergence warning names.
 */
export function samplerWarnings(s: SamplerSummary, maxDepth: number, names: readonly string[] = [], hierarchies = 0): EngineWarning[] {
  const w: EngineWarning[] = [];
  for (const d of s.drift) {
    const name = names[d.index] ?? `unconstrained coordinate ${d.index + 1}`;
    w.push(warning('improper-drift', { figures: { chains: d.chains, ofChains: d.ofChains, varianceRatio: d.ratio, largest: d.largest } }, [name]));
  }
  if (s.divergences > 0) w.push(warning('divergences', { figures: { divergences: s.divergences, transitions: s.transitions, hierarchies } }));
  if (s.treeDepthHits > 0) w.push(warning('tree-depth', { figures: { treeDepthHits: s.treeDepthHits, transitions: s.transitions, maxDepth } }));
  s.ebfmi.forEach((e, k) => {
    if (e < EBFMI_THRESHOLD) w.push(warning('low-ebfmi', { figures: { chain: k + 1, ebfmi: e, threshold: EBFMI_THRESHOLD } }));
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
    warnings.push(warning('high-rhat', { figures: { maxRhat: highRhat[0].d.rhat, threshold: RHAT_THRESHOLD } }, highRhat.map((r) => r.name)));
  }
  const lowEss = rows.filter((r) => r.d.essBulk < minEss || r.d.essTail < minEss)
    .sort((a, b) => Math.min(a.d.essBulk, a.d.essTail) - Math.min(b.d.essBulk, b.d.essTail));
  if (lowEss.length > 0) {
    const worst = Math.min(lowEss[0].d.essBulk, lowEss[0].d.essTail);
    warnings.push(warning('low-ess', { figures: { minEss: worst, target: minEss, perChain: ESS_PER_CHAIN } }, lowEss.map((r) => r.name)));
  }
  return { diagnostics: rows.map((r) => r.d), maxRhat, minEssBulk, minEssTail, warnings };
}
