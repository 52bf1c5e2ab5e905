import { PLOT_CONFIG, SCHEMA, thinStride, type PlotSpec } from './common.js';

/** MCMC draws as the Fit holds them: rows = draws, chain after chain, columns = quantities in `names`. */
export interface ChainDraws {
  readonly names: readonly string[];
  readonly draws: readonly Float64Array[];
  readonly chains: number;
}

/** Trace and rank plots show at most this many quantities (the caller picks which, e.g. the worst R-hat). */
export const MCMC_MAX_PANELS = 12;
/** Iterations per chain drawn in a trace plot; longer chains are thinned evenly. */
const TRACE_POINTS = 1000;
const RANK_BINS = 20;
const CHAIN_SCHEME = 'category10';

function columnOf(c: ChainDraws, name: string): number {
  const j = c.names.indexOf(name);
  if (j < 0) throw new RangeError(`no quantity '${name}' in the draws`);
  return j;
}

/** One panel per quantity, in the order given, `columns` to a row: the frame both MCMC plots share. */
function faceted(title: string, values: readonly object[], parameters: readonly string[], columns: number, spec: object, extra: object = {}): PlotSpec {
  return {
    $schema: SCHEMA,
    title: { text: title, anchor: 'start' },
    config: PLOT_CONFIG,
    data: { values },
    facet: { field: 'parameter', type: 'nominal', sort: parameters, title: null, header: { labelLimit: 0 } },
    columns,
    spec,
    ...extra,
  };
}

/** The draws of each chain against iteration, one panel per quantity (Gelman et al. BDA3 sec. 11.4). */
export function traceSpec(c: ChainDraws, parameters: readonly string[], title = 'trace'): PlotSpec {
  const perChain = c.draws.length / c.chains;
  const stride = thinStride(perChain, TRACE_POINTS);
  const values: { parameter: string; chain: number; iteration: number; value: number }[] = [];
  for (const p of parameters) {
    const j = columnOf(c, p);
    for (let k = 0; k < c.chains; k++) {
      for (let t = 0; t < perChain; t += stride) values.push({ parameter: p, chain: k + 1, iteration: t + 1, value: c.draws[k * perChain + t][j] });
    }
  }
  return faceted(title, values, parameters, 2, {
    width: 320,
    height: 90,
    mark: { type: 'line', strokeWidth: 0.6, opacity: 0.8 },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: null, scale: { nice: false } },
      y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
      color: { field: 'chain', type: 'nominal', scale: { scheme: CHAIN_SCHEME } },
    },
  }, { resolve: { scale: { y: 'independent' } } });
}

/**
 * Per chain, how many of its draws fall in each of RANK_BINS bins of the ranks of all chains' draws
 * pooled. When the chains sample the same distribution every count is near draws-per-chain / bins.
 */
export function rankCounts(column: ArrayLike<number>, chains: number, bins = RANK_BINS): number[][] {
  const n = column.length;
  const perChain = n / chains;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => column[a] - column[b]);
  const counts = Array.from({ length: chains }, () => new Array<number>(bins).fill(0));
  order.forEach((i, rank) => {
    counts[Math.floor(i / perChain)][Math.min(bins - 1, Math.floor((rank * bins) / n))]++;
  });
  return counts;
}

/**
 * Rank plots (Vehtari et al. 2021, sec. 4.1): per quantity, each chain's histogram of pooled ranks as a
 * step line, with the uniform count as a dashed rule. A chain stuck apart from the others shows as a
 * line tilted away from it; better at showing poor mixing than traces.
 */
export function rankSpec(c: ChainDraws, parameters: readonly string[], title = 'rank plots (uniform when the chains mix)'): PlotSpec {
  const perChain = c.draws.length / c.chains;
  const values: { parameter: string; chain: number; bin: number; count: number }[] = [];
  for (const p of parameters) {
    const j = columnOf(c, p);
    const counts = rankCounts(Float64Array.from(c.draws, (d) => d[j]), c.chains);
    counts.forEach((row, k) => {
      // The repeated last count closes the final step at the right edge.
      [...row, row[row.length - 1]].forEach((count, b) => values.push({ parameter: p, chain: k + 1, bin: b / RANK_BINS, count }));
    });
  }
  return faceted(title, values, parameters, 3, {
    width: 200,
    height: 90,
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.2 },
        encoding: {
          x: { field: 'bin', type: 'quantitative', title: 'rank quantile', scale: { domain: [0, 1], nice: false } },
          y: { field: 'count', type: 'quantitative', title: null, scale: { zero: true } },
          color: { field: 'chain', type: 'nominal', scale: { scheme: CHAIN_SCHEME } },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 3], color: '#555' }, encoding: { y: { datum: perChain / RANK_BINS } } },
    ],
  });
}
