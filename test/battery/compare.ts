/**
 * The battery's yardsticks: a Glimmer summary against a stored reference (lme4/glm estimates with SEs,
 * or a long Stan run's posterior summary), as the issue states them. Shared by the tests
 * (test/battery/battery.test.ts) and the report (scripts/battery.ts), so both judge alike.
 */

/** One estimate of a reference tool: estimate and standard error (null when the tool gives none, e.g. at a singular fit). */
export interface RefEstimate { readonly est: number; readonly se: number | null }
export interface RefFit {
  readonly tool: string;
  readonly estimates: Readonly<Record<string, RefEstimate>>;
  readonly logLik: number;
  readonly singular?: boolean;
  readonly seconds: number;
  readonly ranef?: Readonly<Record<string, { readonly mode: number; readonly condsd: number }>>;
}
export interface RefPosteriorRow { readonly mean: number; readonly sd: number; readonly mcse_mean?: number }
export interface Reference {
  readonly case: string;
  readonly description: string;
  readonly rows: number;
  readonly random_effects?: number;
  readonly ml?: RefFit;
  readonly reml?: RefFit;
  readonly glmmtmb?: RefFit;
  readonly expect_ml?: string;
  readonly stan?: {
    readonly summary: Readonly<Record<string, RefPosteriorRow>>;
    readonly samplingSeconds?: { readonly default_run_wall: number };
  };
}

/** What Glimmer reported for one quantity (a summary row: mean is the estimate under --ml, sd its SE). */
export interface Row { readonly name: string; readonly mean: number; readonly sd: number; readonly mcseMean?: number }

// The tolerances.
export const ML_EST_SE = 0.02;
export const ML_SE_RATIO = 0.02;
export const ML_LOGLIK = 0.05;
export const LAPLACE_FIXED_SD = 0.15;
export const LAPLACE_RANDOM_SD = 0.25;
export const LAPLACE_SD_RATIO = 0.2;
export const NUTS_SD = 0.1;
export const NUTS_MCSE = 4;
/**
 * A variance parameter the reference puts on the boundary (a singular fit, SE null): Glimmer's estimate
 * must be on it too, below this fraction of the largest estimated scale (its exact value at the
 * boundary is the optimizer's stopping point, not a property of the model).
 */
export const BOUNDARY_FRACTION = 1e-3;

export interface Miss { readonly name: string; readonly what: string; readonly value: number; readonly limit: number }

export interface EstimateComparison {
  /** Worst |estimate - reference| / reference SE. */
  readonly worstEst: number;
  /** Worst |SE / reference SE - 1|. */
  readonly worstSe: number;
  readonly logLikDiff: number;
  readonly misses: readonly Miss[];
}

/** --ml / --reml against lme4 (or glm): every reference estimate, its SE, the log-likelihood. */
export function compareEstimates(rows: readonly Row[], ref: RefFit, logLik: number): EstimateComparison {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const misses: Miss[] = [];
  let worstEst = 0;
  let worstSe = 0;
  const scale = Math.max(...Object.entries(ref.estimates).filter(([n]) => isScale(n)).map(([, e]) => Math.abs(e.est)), 0);
  for (const [name, e] of Object.entries(ref.estimates)) {
    const row = byName.get(name);
    if (!row) {
      misses.push({ name, what: 'missing from the summary', value: NaN, limit: 0 });
      continue;
    }
    if (e.se === null || !Number.isFinite(e.se)) {
      // On the boundary: only the estimate is comparable.
      if (isScale(name) && Math.abs(e.est) <= BOUNDARY_FRACTION * scale && Math.abs(row.mean) > BOUNDARY_FRACTION * scale) {
        misses.push({ name, what: 'off the boundary the reference is on', value: row.mean, limit: BOUNDARY_FRACTION * scale });
      }
      continue;
    }
    const d = Math.abs(row.mean - e.est) / e.se;
    const s = Math.abs(row.sd / e.se - 1);
    worstEst = Math.max(worstEst, d);
    worstSe = Math.max(worstSe, Number.isFinite(s) ? s : Infinity);
    if (!(d <= ML_EST_SE)) misses.push({ name, what: 'estimate, in reference SEs', value: d, limit: ML_EST_SE });
    if (!(s <= ML_SE_RATIO)) misses.push({ name, what: 'SE ratio - 1', value: s, limit: ML_SE_RATIO });
  }
  // The random effects' conditional modes and sds (lme4's ranef and condVar), where the summary names them alike.
  for (const [name, r] of Object.entries(ref.ranef ?? {})) {
    const row = byName.get(name);
    if (!row || !(r.condsd > 0)) continue;
    const d = Math.abs(row.mean - r.mode) / r.condsd;
    const s = Math.abs(row.sd / r.condsd - 1);
    if (!(d <= ML_EST_SE)) misses.push({ name, what: 'conditional mode, in reference conditional sds', value: d, limit: ML_EST_SE });
    if (!(s <= ML_SE_RATIO)) misses.push({ name, what: 'conditional sd ratio - 1', value: s, limit: ML_SE_RATIO });
  }
  const logLikDiff = Math.abs(logLik - ref.logLik);
  if (!(logLikDiff <= ML_LOGLIK)) misses.push({ name: 'logLik', what: 'log-likelihood difference', value: logLikDiff, limit: ML_LOGLIK });
  return { worstEst, worstSe, logLikDiff, misses };
}

const isScale = (name: string): boolean => name === 'sigma' || name.startsWith('sd[') || name.startsWith('sd_') || name.startsWith('sigma');

export interface PosteriorComparison {
  /** Worst |mean - reference mean| / reference sd over fixed effects and hyperparameters. */
  readonly worstFixed: number;
  /** The same over random effects (latent coordinates and quantities derived from them). */
  readonly worstRandom: number;
  /** The sd ratio furthest from 1 (Glimmer / reference). */
  readonly sdRatio: number;
  /** Worst |mean - reference mean| / max(0.1 sd, 4 MCSE) (MCMC). */
  readonly worstMcse: number;
  readonly compared: number;
  readonly misses: readonly Miss[];
}

export type Tolerance = 'laplace' | 'mcmc';

/**
 * A posterior summary against the Stan reference. `isRandom(name)` says which quantities are random
 * effects (looser tolerance for Laplace). Laplace-type engines: fixed and hyper within 0.15 sd, random
 * within 0.25, every sd within 20%; MCMC: every mean within max(0.1 sd, 4 MCSE), MCSE combining both
 * runs' Monte Carlo errors.
 */
export function comparePosterior(rows: readonly Row[], ref: Readonly<Record<string, RefPosteriorRow>>,
  isRandom: (name: string) => boolean, tolerance: Tolerance): PosteriorComparison {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const misses: Miss[] = [];
  let worstFixed = 0;
  let worstRandom = 0;
  let sdRatio = 1;
  let worstMcse = 0;
  let compared = 0;
  for (const [name, s] of Object.entries(ref)) {
    const row = byName.get(name);
    if (!row) {
      misses.push({ name, what: 'missing from the summary', value: NaN, limit: 0 });
      continue;
    }
    compared++;
    const d = Math.abs(row.mean - s.mean) / s.sd;
    const ratio = row.sd / s.sd;
    const random = isRandom(name);
    if (random) worstRandom = Math.max(worstRandom, d);
    else worstFixed = Math.max(worstFixed, d);
    if (!(Math.abs(ratio - 1) <= Math.abs(sdRatio - 1))) sdRatio = ratio;
    if (tolerance === 'laplace') {
      const limit = random ? LAPLACE_RANDOM_SD : LAPLACE_FIXED_SD;
      if (!(d <= limit)) misses.push({ name, what: 'mean, in reference sds', value: d, limit });
      if (!(Math.abs(ratio - 1) <= LAPLACE_SD_RATIO)) misses.push({ name, what: 'sd ratio', value: ratio, limit: LAPLACE_SD_RATIO });
    } else {
      const mcse = Math.hypot(row.mcseMean ?? 0, s.mcse_mean ?? 0);
      const limit = Math.max(NUTS_SD * s.sd, NUTS_MCSE * mcse);
      const m = Math.abs(row.mean - s.mean) / limit;
      worstMcse = Math.max(worstMcse, m);
      if (!(m <= 1)) misses.push({ name, what: 'mean, in max(0.1 sd, 4 MCSE)', value: m, limit: 1 });
    }
  }
  return { worstFixed, worstRandom, sdRatio, worstMcse, compared, misses };
}

/**
 * The misses no warning names: a warning covers a quantity when it names it (or, for `z:`/derived effects,
 * its group); an sd that is off is also covered by a warning that says to trust only the means.
 */
export function unwarned(misses: readonly Miss[], warnings: readonly string[]): Miss[] {
  const text = warnings.join('\n');
  const meansOnly = text.includes('trust only the means');
  return misses.filter((m) => !text.includes(m.name) && !mentions(text, groupOf(m.name)) && !(meansOnly && m.what === 'sd ratio'));
}

/** Whether `text` names `word` as a whole name (not as part of a longer one). */
function mentions(text: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w:])${escaped}([^\\w]|$)`).test(text);
}

/** `g[level, term]` and `z:g[level, term]` -> `g`; other names unchanged. */
function groupOf(name: string): string {
  const m = /^(?:z:)?([^[]+)\[/.exec(name);
  return m ? m[1] : name;
}
