import { GlimmerError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { IrExpr, ModelIR } from '../compiler/ir.js';
import { makeSimulator } from '../compiler/simulate.js';
import { codeFactor } from '../data/levels.js';
import { suggest } from '../language/suggest.js';
import { collectPpc, statisticsFor, type Grouping, type PpcResult } from '../results/ppc.js';
import type { Model } from './compile.js';
import type { Fit } from './infer.js';

export const DEFAULT_PPC_DRAWS = 500;

export interface PpcOptions {
  /** Replicated data sets, one per posterior draw used (default 500). */
  readonly draws?: number;
  /** Seed of the replication (default: the fit's). */
  readonly seed?: number;
  /**
   * Rows are grouped by this factor of the model's data, or by a grouping built by the caller (a column
   * the model does not declare); null checks all rows only. Default: defaultPpcFactor.
   */
  readonly by?: string | Grouping | null;
}

function firstGather(e: IrExpr): string | undefined {
  switch (e.op) {
    case 'gather':
      return e.factor;
    case 'neg':
    case 'call':
      return firstGather(e.arg);
    case 'bin':
      return firstGather(e.a) ?? firstGather(e.b);
    default:
      return undefined;
  }
}

/** The first factor indexing the first likelihood's arguments (cell_group in ZEB2): the groups the model distinguishes. */
export function defaultPpcFactor(ir: ModelIR): string | undefined {
  for (const lik of ir.likelihoods) {
    for (const a of lik.args) {
      const f = firstGather(a);
      if (f !== undefined) return f;
    }
  }
  return undefined;
}

function grouping(ir: ModelIR, by: PpcOptions['by']): Grouping | undefined {
  if (by === null) return undefined;
  if (typeof by === 'object') return by;
  const name = by ?? defaultPpcFactor(ir);
  if (name === undefined) return undefined;
  const f = ir.data.factors.get(name);
  if (!f) {
    const factors = [...ir.data.factors.keys()];
    const close = suggest(name, factors);
    throw new GlimmerError([{ code: 'E430', message: `unknown factor '${name}'`, hint: close ? `did you mean '${close}'?` : `factors: ${factors.join(', ') || 'none'}` }]);
  }
  return { name, levels: f.levels, codes: f.codes };
}

/**
 * A grouping by a column the model does not read as a factor (PpcOptions.by): its values as text, one
 * per row, with the distinct values as levels in the order R's factor() gives them.
 */
export function columnGrouping(name: string, values: readonly string[]): Grouping {
  return { name, ...codeFactor(values) };
}

/**
 * Which posterior draws to replicate from: evenly spaced through all draws (every chain), or, for
 * importance-weighted draws, a systematic resample by weight (Kitagawa 1996) so that each replicated
 * data set counts the same.
 */
export function pickDraws(n: number, count: number, weights: Float64Array | undefined, rng: Rng): number[] {
  if (weights === undefined) return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * n) / count));
  const total = weights.reduce((a, b) => a + b, 0);
  const u = rng.uniform();
  const picked: number[] = [];
  let cum = 0;
  let i = 0;
  for (let k = 0; k < count; k++) {
    const target = ((k + u) / count) * total;
    while (i < n - 1 && cum + weights[i] < target) cum += weights[i++];
    picked.push(i);
  }
  return picked;
}

/**
 * Posterior predictive check of every likelihood of a fitted model: `draws` data sets replicated from
 * as many posterior draws (every row drawn from its distribution given the draw), and their mean,
 * variance and proportion of zeros (counts) per group next to the observed ones. Takes the library's
 * Posterior or the Fit inside it.
 */
export function posteriorPredictiveCheck(model: Model, posterior: Fit | { readonly raw: Fit }, options: PpcOptions = {}): PpcResult[] {
  const fit = 'raw' in posterior ? posterior.raw : posterior;
  const ir = model.rowwiseIr;
  const count = options.draws ?? DEFAULT_PPC_DRAWS;
  if (!Number.isInteger(count) || count < 1) throw new GlimmerError([{ code: 'E411', message: `draws must be an integer >= 1, got ${count}` }]);
  if (ir.ml) throw new GlimmerError([{ code: 'E412', message: 'a posterior predictive check needs a posterior, not a maximum-likelihood fit' }]);
  const groups = grouping(ir, options.by);
  const simulator = makeSimulator(ir);
  const collectors = simulator.columns.map((c) => collectPpc(c.column, c.dist.name, c.observed, groups, statisticsFor(c.dist.discrete)));
  const rng = createRng(options.seed ?? fit.settings.seed).child('ppc');
  for (const d of pickDraws(fit.draws.length, count, fit.weights, rng)) {
    const replicated = simulator.simulate(fit.draws[d].subarray(0, ir.dim), rng);
    replicated.forEach((y, j) => collectors[j].add(y));
  }
  return collectors.map((c) => c.result());
}
