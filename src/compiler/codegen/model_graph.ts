import { constrainWithJacobian } from '../../bijectors/transforms.js';
import type { IrExpr, IrLikelihood, IrParam, ModelIR } from '../ir.js';
import { affineGlm } from '../js/glm_fused.js';
import type { F64 } from '../../distributions/f64_ops.js';
import type { RowTables, RowTables2 } from '../../math/lazy_table.js';
import { elementsOf, GraphBuilder, ROWS, SCALAR, UnsupportedGraph, type GNode } from './graph.js';

/** A parameter without a factor is one number, as in the taped evaluator (emit.ts). */
export const isScalarParam = (p: IrParam): boolean => p.levels === undefined && p.size === 1;

/** A vector parameter: its block of theta mapped to x_p element by element, with the log-Jacobian. */
export interface VectorParam {
  readonly param: number;
  readonly offset: number;
  readonly size: number;
  /** theta[offset + i], x_p[i] and log|dx/dtheta| in the parameter's own domain; logJ null when there is none (or under ML). */
  readonly theta: GNode;
  readonly x: GNode;
  readonly logJ: GNode | null;
}

/**
 * A term of the log density: the sum of `root` over its domain, or `count` times a scalar root. A vector
 * parameter's log-Jacobian names its parameter: it is summed in the loop that computes x_p.
 */
export interface Term {
  readonly root: GNode;
  readonly count: number;
  readonly vector?: VectorParam;
  /** A GLM likelihood the tape fuses (glm_fused.ts): summed in blocks of BLOCK rows, as the tape sums it. */
  readonly blocked?: boolean;
}

export interface ModelGraph {
  readonly nodes: readonly GNode[];
  readonly dim: number;
  readonly nRows: number;
  readonly vectors: readonly VectorParam[];
  /** theta offsets of the scalar parameters and their leaves. */
  readonly scalars: readonly { readonly offset: number; readonly theta: GNode }[];
  readonly terms: readonly Term[];
  /** The data the graph reads, by index: columns (one value per row) and factor codes. */
  readonly columns: readonly Float64Array[];
  readonly codes: readonly Int32Array[];
  /** Per vector parameter (by param index), its size; undefined for scalar parameters. */
  readonly sizes: readonly (number | undefined)[];
  /** The row tables the graph reads, by index. */
  readonly tables: readonly (RowTables | RowTables2)[];
}

/**
 * The log density of `ir` as a graph: the same terms as the taped evaluator (emitJs), with the same
 * formulas (the catalog's kernels and the bijectors, run on graph nodes): log-Jacobians, prior kernels
 * and xTerms, likelihood kernels. Data columns and factor codes enter by index; their names stay here.
 */
export function modelGraph(ir: ModelIR): ModelGraph {
  const g = new GraphBuilder();
  const columns: Float64Array[] = [];
  const columnIndex = new Map<string, number>();
  const codes: Int32Array[] = [];
  const codesIndex = new Map<string, number>();
  const dataLeaf = (column: string): GNode => {
    let k = columnIndex.get(column);
    if (k === undefined) {
      const values = ir.data.numeric.get(column);
      if (!values || values.length !== ir.data.nRows) throw new UnsupportedGraph('a data column without one value per row');
      columnIndex.set(column, (k = columns.length));
      columns.push(values);
    }
    return g.leaf('data', ROWS, k);
  };
  const codesOf = (factor: string): number => {
    let k = codesIndex.get(factor);
    if (k === undefined) {
      codesIndex.set(factor, (k = codes.length));
      codes.push(ir.data.factors.get(factor)!.codes);
    }
    return k;
  };

  const terms: Term[] = [];
  const vectors: VectorParam[] = [];
  const scalars: { offset: number; theta: GNode }[] = [];
  // x per parameter as the rest of the model reads it: a scalar node, or x_p[i] in the parameter's own loop.
  const xs = ir.params.map((p, j) => {
    if (isScalarParam(p)) {
      const theta = g.leaf('theta', SCALAR, p.offset);
      scalars.push({ offset: p.offset, theta });
      const { x, logJ } = constrainWithJacobian(g, p.transform, theta);
      if (logJ !== null && !ir.ml) terms.push({ root: logJ, count: 1 });
      return x;
    }
    const theta = g.leaf('thetaElem', elementsOf(j), p.offset);
    const { x, logJ } = constrainWithJacobian(g, p.transform, theta);
    const vector: VectorParam = { param: j, offset: p.offset, size: p.size, theta, x, logJ: ir.ml ? null : logJ };
    vectors.push(vector);
    // In the taped evaluator's order: log-Jacobians by parameter, then priors, then likelihoods.
    if (vector.logJ !== null) terms.push({ root: vector.logJ, count: p.size, vector });
    return g.leaf('xElem', elementsOf(j), j);
  });
  const scalarX = (param: number, index: number): GNode =>
    (isScalarParam(ir.params[param]) ? xs[param] : g.leaf('pick', SCALAR, param, { index }));

  const memo = new Map<IrExpr, GNode>();
  const ev = (e: IrExpr): GNode => {
    let n = memo.get(e);
    if (!n) memo.set(e, (n = exprNode(e)));
    return n;
  };
  const exprNode = (e: IrExpr): GNode => {
    switch (e.op) {
      case 'const': return g.c(e.value);
      case 'data': return dataLeaf(e.column);
      case 'param': return scalarX(e.param, 0);
      case 'level': return scalarX(e.param, e.level);
      case 'gather':
        if (isScalarParam(ir.params[e.param])) throw new UnsupportedGraph('a gather from a scalar parameter');
        return g.leaf('gather', ROWS, e.param, { codes: codesOf(e.factor) });
      case 'neg': return g.neg(ev(e.arg));
      case 'call': {
        const a = ev(e.arg);
        switch (e.fn) {
          case 'exp': return g.exp(a);
          case 'log': return g.log(a);
          case 'log1p': return g.log1p(a);
          case 'sqrt': return g.sqrt(a);
          case 'inv_logit': return g.sigmoid(a);
        }
        break;
      }
      case 'bin': {
        const a = ev(e.a);
        const b = ev(e.b);
        return e.o === '+' ? g.add(a, b) : e.o === '-' ? g.sub(a, b) : e.o === '*' ? g.mul(a, b) : g.div(a, b);
      }
    }
    throw new UnsupportedGraph('an IR expression the generator does not know');
  };

  /** A number, or an array of the rows as a column of its own (the fused offset and coefficients are not columns of the data). */
  const valueNode = (v: F64): GNode => {
    if (typeof v === 'number') return g.c(v);
    columns.push(v);
    return g.leaf('data', ROWS, columns.length - 1);
  };
  /**
   * The kernel of a fused likelihood on eta built as the tape's fused path builds it: the offset, then
   * coef * x for each term in order; its residual (the score) is what the reverse sweep sends back.
   */
  function fusedKernel(lik: IrLikelihood, f: NonNullable<ReturnType<typeof affineGlm>>): GNode {
    let eta = valueNode(f.offset);
    for (const t of f.terms) {
      const x = t.codes ? g.leaf('gather', ROWS, t.param, { codes: codesOfArray(t.codes) }) : scalarX(t.param, t.index);
      eta = g.add(eta, typeof t.coef === 'number' && t.coef === 1 ? x : g.mul(valueNode(t.coef), x));
    }
    const scoreArg = lik.form.score!.arg;
    return lik.form.kernel(g, dataLeaf(lik.column), f.others.map((o, j) => (j === scoreArg ? eta : valueNode(o))));
  }
  function codesOfArray(c: Int32Array): number {
    const k = codes.indexOf(c);
    if (k >= 0) return k;
    codes.push(c);
    return codes.length - 1;
  }

  for (const prior of ir.priors) {
    const x = xs[prior.param];
    const size = ir.params[prior.param].size;
    terms.push({ root: prior.form.kernel(g, x, prior.args.map(ev)), count: size });
    if (prior.form.xTerm) terms.push({ root: prior.form.xTerm(g, x), count: size });
  }
  // The likelihoods the tape fuses come last, as there: it adds their value after every other term and
  // their gradient before its backward pass (last created, first in the reverse sweep).
  const fused = ir.likelihoods.map((lik) => affineGlm(ir, lik));
  ir.likelihoods.forEach((lik, j) => {
    if (!fused[j]) terms.push({ root: lik.form.kernel(g, dataLeaf(lik.column), lik.args.map(ev)), count: ir.data.nRows });
  });
  ir.likelihoods.forEach((lik, j) => {
    const f = fused[j];
    if (f) terms.push({ root: fusedKernel(lik, f), count: ir.data.nRows, blocked: true });
  });
  return {
    nodes: g.nodes, dim: ir.dim, nRows: ir.data.nRows, vectors, scalars, terms, columns, codes, tables: g.tables,
    sizes: ir.params.map((p) => (isScalarParam(p) ? undefined : p.size)),
  };
}
