import { messages, warning, type EngineWarning, type FitWarning } from '../core/warning.js';
import { createRng } from '../core/rng.js';
import { GlimmerError, InferenceError, type Diagnostic } from '../core/errors.js';
import { suggest } from '../language/suggest.js';
import { ENGINE_RUNNERS, ENGINES, type EngineName } from './engines.js';
import { HOOK_KEYS, OPTION_KEYS, SETTING_KEYS, type InferOptions } from './infer_options.js';
import type { EngineResult } from '../engines/result.js';
import { evalExpr } from '../compiler/eval_f64.js';
import { splitValues } from '../compiler/layout.js';
import { withEstimates } from '../results/estimates.js';
import { fitWarning } from '../results/warning_text.js';
import { summarizeDraws, type SummaryRow } from '../results/summary.js';
import type { Model } from './compile.js';
import { compileContrasts, evalContrast } from '../compiler/contrast.js';
export { contrastFileName } from '../compiler/contrast.js';
import type { ContrastRow } from '../results/contrasts.js';
import { estimateContrasts, fitContrasts } from './fit_contrasts.js';
import { inheritedWarning } from './inherited_warnings.js';

export { ENGINES, type EngineName };
export type { InferOptions, InferHooks, EngineSettings, McmcSettings, ViSettingsInput, ProgressEvent } from './infer_options.js';
export type { EngineDiagnostics, McmcDiagnostics, MlDiagnostics, NestedDiagnostics, JointLaplaceDiagnostics, ViDiagnostics, PsisFigures } from '../engines/diagnostics.js';

/** One of K runs (--runs K): its seed, its own summary and what its engine reported. */
export interface RunRecord {
  readonly seed: number;
  readonly summary: readonly SummaryRow[];
  readonly diagnostics: EngineResult['diagnostics'];
  readonly warnings: readonly FitWarning[];
  readonly timings: Readonly<Record<string, number>>;
}

/** A summary row; with several runs, `runSd` is the sd of the K runs' means of the quantity. */
export type FitSummaryRow = SummaryRow & { readonly runSd?: number };

export interface Fit {
  readonly engine: EngineName;
  readonly settings: { readonly seed: number; readonly draws: number; readonly psis: boolean; readonly backend: string; readonly backendChoice: string; readonly runs: number };
  /** Constrained parameters then generated quantities, one name per column of `draws`. */
  readonly names: readonly string[];
  /** With several runs: every run's draws, run after run (each run carries weight 1 / K). */
  readonly draws: readonly Float64Array[];
  readonly weights?: Float64Array;
  readonly summary: readonly FitSummaryRow[];
  readonly diagnostics: EngineResult['diagnostics'];
  /** Each with a code (docs/engines.md lists them), the parameters it names, its figures and its sentence. */
  readonly warnings: readonly FitWarning[];
  readonly timings: Readonly<Record<string, number>>;
  /** For MCMC: the draws are this many chains of equal length, chain after chain (with K runs, K times the engine's chains). */
  readonly chains?: number;
  /** For VI: each run's ELBO history (EngineResult.trace), run after run. */
  readonly traces?: readonly NonNullable<EngineResult['trace']>[];
  /** With runs > 1: each run, seeds seed, seed + 1, ..., seed + K - 1 (`diagnostics` are the first run's). */
  readonly runs?: readonly RunRecord[];
  /** With runs > 1: the largest run-to-run sd of a mean, in posterior sds (above RUN_SPREAD_LIMIT it is warned of). */
  readonly maxRunSd?: number;
  /** The generated quantities, then the requested contrasts: summary and P(> 0). Absent when there are none. */
  readonly contrasts?: readonly ContrastRow[];
}

export const DEFAULT_SEED = 1;
export const DEFAULT_DRAWS = 4000;
/** Run-to-run sd of a mean, in posterior sds, above which --runs flags the quantity (the 0.1). */
export const RUN_SPREAD_LIMIT = 0.1;

interface OneRun {
  readonly seed: number;
  readonly result: EngineResult;
  readonly draws: Float64Array[];
  readonly summary: SummaryRow[];
  /** The engine's warnings with their sentences. */
  readonly warnings: FitWarning[];
}

/** Each run weighs 1 / K in the pooled draws; unweighted runs spread it evenly over their draws. */
function pooledWeights(runs: readonly OneRun[]): Float64Array | undefined {
  if (runs.every((r) => r.result.weights === undefined)) return undefined;
  return Float64Array.from(runs.flatMap((r) => {
    const w = r.result.weights ?? new Float64Array(r.draws.length).fill(1);
    const total = w.reduce((a, b) => a + b, 0);
    return Array.from(w, (x) => x / total / runs.length);
  }));
}

/** Warnings of all runs, each kind (its code and the parameters it names) once, with how many runs gave it. */
function mergeWarnings(runs: readonly OneRun[]): FitWarning[] {
  const kinds = new Map<string, { w: EngineWarning; seed: number; count: number }>();
  for (const r of runs) {
    for (const w of r.result.warnings) {
      const key = `${w.code}\u0000${(w.params ?? []).join('\u0001')}`;
      const k = kinds.get(key) ?? { w, seed: r.seed, count: 0 };
      kinds.set(key, { ...k, count: k.count + 1 });
    }
  }
  return [...kinds.values()].map((k) => fitWarning(k.w, { count: k.count, of: runs.length, seed: k.seed }));
}

/** Pools K runs: one summary of all draws, each row with the sd of the runs' means, and a warning for the unstable ones. */
function combineRuns(names: readonly string[], runs: readonly OneRun[]): Pick<Fit, 'draws' | 'weights' | 'summary' | 'warnings'> & { maxRunSd: number } {
  const draws = runs.flatMap((r) => r.draws);
  const weights = pooledWeights(runs);
  const chains = runs[0].result.chains;
  const pooled = summarizeDraws(names, draws, weights, chains === undefined ? undefined : chains * runs.length);
  const summary = pooled.map((row, j) => {
    const means = runs.map((r) => r.summary[j].mean);
    const m = means.reduce((a, b) => a + b, 0) / means.length;
    return { ...row, runSd: Math.sqrt(means.reduce((a, b) => a + (b - m) ** 2, 0) / (means.length - 1)) };
  });
  const ratio = (r: FitSummaryRow): number => (r.runSd ?? 0) / r.sd;
  const flagged = summary.filter((r) => ratio(r) > RUN_SPREAD_LIMIT).sort((a, b) => ratio(b) - ratio(a));
  const warnings = mergeWarnings(runs);
  if (flagged.length > 0) {
    const items = flagged.map((r) => ({ name: r.name, spread: ratio(r) }));
    warnings.push(fitWarning(warning('runs-disagree', {
      figures: { runs: runs.length, firstSeed: runs[0].seed, lastSeed: runs[runs.length - 1].seed, limit: RUN_SPREAD_LIMIT, maxRunSd: items[0].spread }, items,
    }, items.map((i) => i.name))));
  }
  return { draws, weights, summary, warnings, maxRunSd: Math.max(...summary.map(ratio)) };
}

/**
 * A summary with a NaN or infinite mean (or, from draws, sd) is a failed fit, not an answer: it stops here
 * with E516 naming the quantities. An ML standard error may be undefined (a variance at its boundary):
 * that one is reported as such, with the engine's warning.
 */
function refuseNonFinite(engine: string, rows: readonly SummaryRow[], estimates: boolean): void {
  const bad = rows.filter((r) => !Number.isFinite(r.mean) || (!estimates && !Number.isFinite(r.sd)));
  if (bad.length === 0) return;
  throw new InferenceError('E516', `the ${engine} fit gave non-finite values for ${bad.length} quantit${bad.length === 1 ? 'y' : 'ies'}: ` +
    bad.slice(0, 5).map((r) => `${r.name} (mean ${r.mean}, sd ${r.sd})`).join(', ') + (bad.length > 5 ? ', ...' : ''),
    'the approximation broke down numerically; --engine nuts samples the exact posterior. Please report this model: it is a bug to fix');
}

/**
 * An options bag is checked as the CLI checks its flags: a misspelt key, or a setting of another engine
 * (`{ engine: 'laplace', settings: { chains: 4 } }`), is an error with a suggestion, not silently ignored.
 */
function checkKeys(options: InferOptions, engine: EngineName): void {
  const unknown = (keys: readonly string[], known: readonly string[], where: string, list: string, values: Readonly<Record<string, unknown>> = {}): Diagnostic[] =>
    keys.filter((k) => !known.includes(k)).map((k) => {
      // Callbacks (progress, stop, a chain runner) do not change the answer, so they are not settings.
      if (where.startsWith('setting') && typeof values[k] === 'function') {
        return { code: 'E421', message: `unknown ${where} '${k}'`, hint: `a callback goes in hooks: ${HOOK_KEYS.join(', ')}` };
      }
      const close = suggest(k, known);
      // ML and REML change the model's objective, so they are chosen when it is compiled, not when it is fitted.
      const compileOption = k === 'ml' || k === 'reml' ? `${k} is an option of compile(): compile(source, { ${k}: true })` : undefined;
      const elsewhere = ENGINES.filter((e) => (SETTING_KEYS[e] as readonly string[]).includes(k));
      const otherEngine = where.startsWith('setting') && elsewhere.length > 0 ? `'${k}' is a setting of ${elsewhere.join(', ')}` : undefined;
      return { code: 'E421', message: `unknown ${where} '${k}'`, hint: compileOption ?? otherEngine ?? (close ? `did you mean '${close}'?` : known.length > 0 ? `${list}: ${known.join(', ')}` : `${engine} takes no settings`) };
    });
  const problems = [
    ...unknown(Object.keys(options), OPTION_KEYS, 'option of infer()', 'the options of infer()'),
    ...unknown(Object.keys(options.settings ?? {}), SETTING_KEYS[engine], `setting of ${engine}`, `${engine}'s settings`, options.settings as Readonly<Record<string, unknown>>),
    ...unknown(Object.keys(options.hooks ?? {}), HOOK_KEYS, 'hook', 'hooks'),
  ];
  if (problems.length > 0) throw new GlimmerError(problems);
}

/** Runs an engine on a compiled model (K times with runs = K) and maps its draws to named, constrained quantities. */
export async function inferFit<E extends EngineName>(model: Model, options: InferOptions<E> = {}): Promise<Fit> {
  const engine: EngineName = options.engine ?? 'laplace';
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new GlimmerError([{ code: 'E403', message: `unknown engine '${engine}'`, hint: `engines: ${ENGINES.join(', ')}` }]);
  }
  checkKeys(options, engine);
  const seed = options.seed ?? DEFAULT_SEED;
  const nDraws = options.draws ?? DEFAULT_DRAWS;
  const psis = options.psis ?? false;
  const nRuns = options.runs ?? 1;
  if (!Number.isInteger(nRuns) || nRuns < 1) {
    throw new GlimmerError([{ code: 'E411', message: `runs must be an integer >= 1, got ${nRuns}` }]);
  }
  // The CLI's --draws floor (10: fewer leaves PSIS, ESS and the quantiles nothing to work with); under ML
  // the draws are optional extras, and 0 is none.
  const minDraws = model.ir.ml ? 0 : 10;
  if (options.draws !== undefined && !(Number.isInteger(options.draws) && options.draws >= minDraws)) {
    throw new GlimmerError([{ code: 'E411', message: `draws must be an integer >= ${minDraws}, got ${options.draws}`, hint: model.ir.ml ? 'leave draws out for none' : `leave draws out for the default, ${DEFAULT_DRAWS}` }]);
  }
  if (model.ir.ml && model.ir.likelihoods.length === 0) {
    throw new GlimmerError([{ code: 'E414', message: `maximum likelihood (--${model.ir.reml ? 'reml' : 'ml'}) needs a likelihood: the model has no statement \`column ~ Distribution(...)\` over the data, so there is nothing to maximise (every estimate would be its starting value)`,
      hint: 'drop --ml to sample the model as written (its priors are then its posterior), or add the likelihood of the data' }]);
  }
  if (model.ir.ml && engine !== 'laplace') {
    throw new GlimmerError([{ code: 'E412', message: `maximum likelihood (--ml) is computed by the laplace engine, not '${engine}'`, hint: 'drop --ml for a Bayesian fit, or use --engine laplace' }]);
  }
  // Checked before fitting: a misspelt level should not cost a NUTS run.
  const contrasts = compileContrasts(options.contrasts ?? [], model.rowwiseIr);
  // Maximum likelihood integrates the random effects out, as lme4 does (REML the fixed effects too), and
  // draws only when draws are asked for.
  const ml = model.ir.ml ? { reml: model.ir.reml === true, draws: options.draws !== undefined } : undefined;
  const engineSettings = (options.settings ?? {}) as Readonly<Record<string, unknown>>;
  const hooks = options.hooks ?? {};
  const t0 = performance.now();
  // The laplace engines (nested, ML, REML) work in float64 throughout: a tfjs graph would go unused.
  const float64 = (options.backend ?? 'auto') === 'auto' && engine === 'laplace' && !model.ir.reduction;
  const ld = await model.logDensity({ backend: float64 ? 'js' : options.backend ?? 'auto' });
  if (float64) Object.assign(ld, { choice: `${model.ir.data.nRows} row terms: float64 JS (the laplace engine works in float64)` });
  const t1 = performance.now();
  try {
    const ir = model.ir;
    const names = [...ld.names, ...ir.generated.map((g) => g.name)];
    const toRow = (theta: Float64Array, row = new Float64Array(names.length)): Float64Array => {
      const values = ld.constrain(theta);
      row.set(values);
      const split = splitValues(ir, values);
      ir.generated.forEach((g, j) => {
        row[values.length + j] = evalExpr(g.expr, split, ir.data) as number;
      });
      return row;
    };
    const toRows = (thetas: readonly Float64Array[]): Float64Array[] => {
      // Rows of one array, not an array each (see runChain).
      const width = names.length;
      const store = new Float64Array(thetas.length * width);
      return thetas.map((theta, i) => toRow(theta, store.subarray(i * width, (i + 1) * width)));
    };
    const correlations = new Set(ir.generated.filter((g) => g.correlation).map((g) => g.name));
    const runs: OneRun[] = [];
    const estimated: SummaryRow[][] = [];
    for (let k = 0; k < nRuns; k++) {
      const result = await ENGINE_RUNNERS[engine](ld, { draws: nDraws, rng: createRng(seed + k), psis, settings: engineSettings, hooks, ml });
      const draws = toRows(result.draws);
      // Estimates (ML, REML) need no draws; draws, when asked for, are still returned.
      const fromDraws = result.estimates && draws.length === 0 ? undefined : summarizeDraws(names, draws, result.weights, result.chains, result.columnDiagnostics);
      const summary = withEstimates(names, fromDraws, result, ld, toRow, correlations);
      refuseNonFinite(engine, summary, result.estimates !== undefined);
      runs.push({ seed: seed + k, result, draws, summary, warnings: result.warnings.map((w) => fitWarning(w)) });
      if (result.estimates) {
        // The requested contrasts by the same delta method, as extra derived columns (none asked: no
        // second pass of differences over every coordinate, which fit-genes paid per gene).
        const withContrasts = (t: Float64Array): Float64Array => {
          const row = toRow(t);
          return Float64Array.from([...row, ...contrasts.map((c) => evalContrast(c, ir, row))]);
        };
        estimated.push(contrasts.length === 0 ? [] : withEstimates([...names, ...contrasts.map((c) => c.name)], undefined, result, ld, withContrasts).slice(names.length));
      }
    }
    const settings = { seed, draws: nDraws, psis, backend: ld.backend, backendChoice: ld.choice, runs: nRuns };
    const reported = [...ir.generated, ...contrasts];
    const inherit = (warnings: readonly FitWarning[]): FitWarning[] => {
      const w = inheritedWarning(ir, reported, messages(warnings));
      return w ? [...warnings, fitWarning(w)] : [...warnings];
    };
    const first = runs[0];
    const chains = first.result.chains === undefined ? {} : { chains: first.result.chains * nRuns };
    const traces = first.result.trace ? { traces: runs.flatMap((r) => (r.result.trace ? [r.result.trace] : [])) } : {};
    if (nRuns === 1) {
      return {
        engine, settings, names, draws: first.draws, weights: first.result.weights, summary: first.summary, ...chains, ...traces,
        ...(first.result.estimates ? estimateContrasts(ir, first.summary, estimated[0]) : fitContrasts(ir, contrasts, first.draws, first.result.weights, first.result.chains, first.summary)),
        diagnostics: first.result.diagnostics, warnings: inherit(first.warnings),
        timings: { compileMs: t1 - t0, ...first.result.timings, totalMs: performance.now() - t0 },
      };
    }
    const { maxRunSd, ...pooled } = combineRuns(names, runs);
    const timings: Record<string, number> = { compileMs: t1 - t0 };
    for (const r of runs) for (const [k, v] of Object.entries(r.result.timings)) timings[k] = (timings[k] ?? 0) + v;
    return {
      engine, settings, names, ...pooled, warnings: inherit(pooled.warnings), ...chains, ...traces,
      ...fitContrasts(ir, contrasts, pooled.draws, pooled.weights, chains.chains),
      diagnostics: first.result.diagnostics, maxRunSd,
      timings: { ...timings, totalMs: performance.now() - t0 },
      runs: runs.map((r) => ({ seed: r.seed, summary: r.summary, diagnostics: r.result.diagnostics, warnings: r.warnings, timings: r.result.timings })),
    };
  } finally {
    ld.dispose();
  }
}
