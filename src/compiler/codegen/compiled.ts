import type { LogDensity, ValueAndGrad } from '../../core/log_density.js';
import type { ModelIR } from '../ir.js';
import { emitJs } from '../js/emit.js';
import { constructFactory } from './construct.js';
import { emitSource } from './emit_source.js';
import { HELPERS, UnsupportedGraph } from './graph.js';
import { modelGraph } from './model_graph.js';

/** Generated source above this size is not worth compiling (a model with thousands of scalar parameters): the tape takes it. */
const MAX_SOURCE_CHARS = 2_000_000;

export interface GeneratedLogDensity {
  readonly valueAndGradInto: (theta: Float64Array, grad: Float64Array) => number;
  readonly value: (theta: Float64Array) => number;
  readonly source: string;
}

/**
 * The log density of `ir` and its gradient as straight-line float64 JavaScript: loops over rows and
 * parameter elements, every operation and its adjoint written out, data passed in as arrays. Undefined
 * when the model does not fit the generator's shape or the platform cannot compile code at run time.
 */
export function generateLogDensity(ir: ModelIR): GeneratedLogDensity | undefined {
  let graph;
  try {
    graph = modelGraph(ir);
  } catch (e) {
    if (e instanceof UnsupportedGraph) return undefined;
    throw e;
  }
  const source = emitSource(graph);
  if (source.length > MAX_SOURCE_CHARS) return undefined;
  const factory = constructFactory(source);
  if (!factory) return undefined;
  // Scratch for x_p and its adjoint, one pair per vector parameter (indexed by parameter).
  const X = graph.sizes.map((n) => new Float64Array(n ?? 0));
  const G = graph.sizes.map((n) => new Float64Array(n ?? 0));
  const [valueAndGradInto, value] = factory(graph.columns, graph.codes, X, G, HELPERS, graph.tables);
  return { valueAndGradInto, value, source };
}

/**
 * The float64 JS log density with the value and gradient from generated code (generateLogDensity), and
 * everything else (names, constrain, explanations of a non-finite value) from the taped evaluator,
 * which stays the reference: the tests hold the two to 1e-12. Where no code can be generated, the taped
 * evaluator alone.
 */
export function emitCompiledJs(ir: ModelIR): LogDensity & { readonly backend: 'js'; readonly generated: boolean } {
  const taped = emitJs(ir);
  const gen = generateLogDensity(ir);
  if (!gen) return { ...taped, generated: false };
  const valueAndGrad = (theta: Float64Array): ValueAndGrad => {
    const grad = new Float64Array(ir.dim);
    return { value: gen.valueAndGradInto(theta, grad), grad };
  };
  return {
    ...taped,
    generated: true,
    valueAndGrad,
    valueAndGradInto: gen.valueAndGradInto,
    valueAndGradBatch: (thetas) => thetas.map(valueAndGrad),
    valueBatch: (thetas) => Float64Array.from(thetas, gen.value),
  };
}
