import { describe, expect, it } from 'vitest';
import { batteryCases, fitCase, runCli, type Case } from './cases.js';
import { compareEstimates, comparePosterior, unwarned, type Miss, type Row } from './compare.js';
import type { EngineName } from '../../src/api/infer.js';
import { messages } from '../../src/core/warning.js';

/*
 * The battery (test/battery/<case>/): each model against references computed once with R (lme4, glm,
 * glmmTMB, Stan; test/battery/r/<case>.R), at the tolerances (compare.ts). `npm run battery`
 * prints the same comparisons with times for every case and engine; this suite runs the ones that fit
 * the CI budget (MCMC and the slowest posterior fits only on the small cases).
 */

const cases = await batteryCases();

/** Cases whose posterior engines are too slow for every CI run (npm run battery covers them). */
const POSTERIOR_OFF_CI = new Set(['insteval']);
/** NUTS in CI only where a default run takes a few seconds (also at most FULLRANK_DIM parameters: grouseticks' 591 take half a minute). */
const NUTS_ROWS = 1000;
/**
 * NUTS off CI for a small case whose default run takes about a minute (none at present: poisson_large_counts,
 * whose counts near 1e4 made the non-centred block need deep trees, 4.4 million leapfrogs, is now sampled
 * centred by the default --parametrisation auto: 0.16 million). `npm run battery` runs them.
 */
const NUTS_OFF_CI = new Set<string>([]);
/**
 * Misses not yet mended, asserted as misses (so the entry must go when the engine is fixed) and reported
 * by `npm run battery`. None at present: the last, fullrank on seeds (off on the generated
 * sigma = 1 / sqrt(tau) with warnings that named only tau), is now warned by name (src/api/inherited_warnings.ts).
 */
const KNOWN_MISSES = new Set<string>([]);
/** fullrank in CI only up to this many parameters: its steps cost dim^2 per draw (grouseticks' 591 take minutes). */
const FULLRANK_DIM = 200;

/** Above this many rows --ml and --reml run in a child process (the CLI), so the test worker stays responsive. */
const CHILD_ROWS = 10_000;

/** --ml or --reml: the rows and log-likelihood, in this process or (large data) through the CLI. */
async function estimate(c: Case, mode: 'ml' | 'reml'): Promise<{ rows: readonly Row[]; logLik: number; error?: string }> {
  if (c.ref.rows > CHILD_ROWS) {
    const r = await runCli(c.model, [`--${mode}`]);
    return { rows: r.rows, logLik: Number(r.run?.diagnostics.logLik), error: r.code === 0 ? undefined : r.stderr };
  }
  const o = await fitCase(c, 'laplace', mode);
  return { rows: o.rows, logLik: o.fit?.diagnostics.kind === 'ml' ? o.fit.diagnostics.logLik : NaN, error: o.error?.code };
}

const show = (misses: readonly Miss[]): string => misses.map((m) => `${m.name}: ${m.what} ${m.value.toFixed(4)} (limit ${m.limit})`).join('\n');

describe.each(cases.map((c) => [c.name, c] as const))('battery: %s', (_name, c: Case) => {
  if (c.ref.expect_ml) {
    it(`--ml refuses it with ${c.ref.expect_ml}`, async () => {
      const o = await fitCase(c, 'laplace', 'ml');
      expect(o.error?.code).toBe(c.ref.expect_ml);
    });
  } else if (c.ref.ml) {
    const ml = c.ref.ml;
    it(`--ml matches ${ml.tool} (0.02 SE, 2% SE, logLik 0.05)`, async () => {
      const o = await estimate(c, 'ml');
      expect(o.error).toBeUndefined();
      const r = compareEstimates(o.rows, ml, o.logLik);
      expect(show(r.misses)).toBe('');
    }, 120_000);
  }
  if (c.ref.reml) {
    const reml = c.ref.reml;
    it(`--reml matches ${reml.tool}`, async () => {
      const o = await estimate(c, 'reml');
      expect(o.error).toBeUndefined();
      const r = compareEstimates(o.rows, reml, o.logLik);
      expect(show(r.misses)).toBe('');
    }, 120_000);
  }
  const stan = c.ref.stan;
  if (!stan || POSTERIOR_OFF_CI.has(c.name)) return;
  const posterior = (engine: EngineName, tolerance: 'laplace' | 'mcmc'): void => {
    it(`${engine} agrees with Stan or names what it misses`, async () => {
      const o = await fitCase(c, engine, 'posterior');
      expect(o.error).toBeUndefined();
      // Nothing non-finite is printed with exit 0.
      expect(o.rows.every((r) => Number.isFinite(r.mean) && Number.isFinite(r.sd))).toBe(true);
      const r = comparePosterior(o.rows, stan.summary, c.isRandom, tolerance);
      expect(r.compared).toBe(Object.keys(stan.summary).length);
      // Laplace-type engines may miss only what their warnings name; MCMC must not miss.
      const open = show(tolerance === 'mcmc' ? r.misses : unwarned(r.misses, messages(o.fit!.warnings)));
      if (KNOWN_MISSES.has(`${c.name}/${engine}`)) expect(open).not.toBe('');
      else expect(open).toBe('');
    }, 300_000);
  };
  posterior('laplace', 'laplace');
  if (c.dim <= FULLRANK_DIM) posterior('fullrank', 'laplace');
  if (c.ref.rows <= NUTS_ROWS && c.dim <= FULLRANK_DIM && !NUTS_OFF_CI.has(c.name)) posterior('nuts', 'mcmc');
});
