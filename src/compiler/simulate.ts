import { GlimmerError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { DistSpec } from '../distributions/catalog.js';
import { samplerFor, type Sampler } from '../distributions/sample.js';
import { evalExpr } from './eval_f64.js';
import type { ModelIR } from './ir.js';
import { splitValues } from './layout.js';

/** An observed likelihood: the data column it models and the values observed. */
export interface ObservedColumn {
  readonly column: string;
  readonly dist: DistSpec;
  readonly observed: Float64Array;
}

/** Draws replicated data from a model given its parameters: the posterior predictive, one draw at a time. */
export interface Simulator {
  readonly columns: readonly ObservedColumn[];
  /**
   * One replicated data set given the constrained parameter values (the IR's layout): for every
   * likelihood, every row drawn from its distribution at that row's arguments.
   */
  simulate(values: Float64Array, rng: Rng): Float64Array[];
}

/**
 * A simulator over the row-wise IR (`model.rowwiseIr`): the reduced IR keeps per-cell sums, which say
 * nothing about single rows. Arguments are evaluated in float64 exactly as the log density reads them.
 */
export function makeSimulator(ir: ModelIR): Simulator {
  if (ir.reduction) throw new RangeError('makeSimulator: needs the row-wise IR, not the reduced one');
  const parts = ir.likelihoods.map((lik) => {
    const sampler: Sampler | undefined = samplerFor(lik.dist.name, lik.form.args.map((a) => a.name));
    if (!sampler) {
      throw new GlimmerError([{ code: 'E433', message: `no sampler for ${lik.dist.name}(${lik.form.args.map((a) => a.name).join(', ')})`, span: lik.span }]);
    }
    return { lik, sampler, observed: ir.data.numeric.get(lik.column)! };
  });
  return {
    columns: parts.map((p) => ({ column: p.lik.column, dist: p.lik.dist, observed: p.observed })),
    simulate(values, rng) {
      const split = splitValues(ir, values);
      return parts.map(({ lik, sampler }) => {
        const args = lik.args.map((a) => evalExpr(a, split, ir.data));
        const n = ir.data.nRows;
        const y = new Float64Array(n);
        const row = new Array<number>(args.length);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < args.length; j++) {
            const a = args[j];
            row[j] = typeof a === 'number' ? a : a[i];
          }
          y[i] = sampler(rng, row);
        }
        return y;
      });
    },
  };
}
