import type { LogDensity, ValueAndGrad } from '../../core/log_density.js';
import { constrainWithJacobian } from '../../bijectors/transforms.js';
import type { IrExpr, ModelIR } from '../ir.js';
import { hostConstant, paramNames, constrainTheta, unconstrainValues } from '../layout.js';
import { tf } from './backend.js';
import { makeRowIndexer } from './index_rows.js';
import { tfOps } from './ops.js';

/** Rows per partial sum: each chunk is summed in float32, the chunks in float64 on the host. */
const CHUNK = 256;

function chunkSums(t: tf.Tensor2D): tf.Tensor2D {
  const [K, n] = t.shape;
  if (n <= CHUNK) return tf.sum(t, 1, true);
  const full = Math.floor(n / CHUNK);
  const main = tf.sum(tf.reshape(tf.slice(t, [0, 0], [K, full * CHUNK]), [K, full, CHUNK]), 2) as tf.Tensor2D;
  if (full * CHUNK === n) return main;
  return tf.concat([main, tf.sum(tf.slice(t, [0, full * CHUNK], [K, n - full * CHUNK]), 1, true)], 1);
}

/**
 * Emits the model's log density as a tfjs graph over a batch of points theta [K, dim]: the graph
 * returns [K, M] partial sums (one per chunk of rows, per prior, per Jacobian) so that the total is
 * added in float64, and tfjs autodiff gives the gradient of their sum.
 */
export function emitTfjs(ir: ModelIR): LogDensity & { readonly backend: 'tfjs' } {
  const N = ir.data.nRows;
  // Constants are made once, outside any tf.tidy, so that no evaluation disposes of them.
  const dataTensors = new Map<string, tf.Tensor2D>();
  const indexers = new Map<string, ReturnType<typeof makeRowIndexer>>();
  const visit = (e: IrExpr): void => {
    if (e.op === 'data' && !dataTensors.has(e.column)) dataTensors.set(e.column, tf.tensor2d(Float32Array.from(ir.data.numeric.get(e.column)!), [1, N]));
    if (e.op === 'gather' && !indexers.has(e.factor)) {
      const f = ir.data.factors.get(e.factor)!;
      indexers.set(e.factor, makeRowIndexer(f.codes, f.levels.length));
    }
    if (e.op === 'neg' || e.op === 'call') visit(e.arg);
    if (e.op === 'bin') {
      visit(e.a);
      visit(e.b);
    }
  };
  for (const lik of ir.likelihoods) [{ op: 'data', column: lik.column } as IrExpr, ...lik.args].forEach(visit);
  for (const prior of ir.priors) prior.args.forEach(visit);
  const dataTensor = (col: string): tf.Tensor2D => dataTensors.get(col)!;
  const indexer = (factor: string): ReturnType<typeof makeRowIndexer> => indexers.get(factor)!;

  const graph = (theta: tf.Tensor2D): tf.Tensor2D => {
    const K = theta.shape[0];
    const parts: tf.Tensor2D[] = [];
    const xs = ir.params.map((p) => {
      const t = tf.slice(theta, [0, p.offset], [K, p.size]);
      const { x, logJ } = constrainWithJacobian(tfOps, p.transform, t);
      if (logJ) parts.push(tf.sum(logJ, 1, true));
      return x as tf.Tensor2D;
    });
    const memo = new Map<IrExpr, tf.Tensor>();
    const ev = (e: IrExpr): tf.Tensor => {
      const hit = memo.get(e);
      if (hit) return hit;
      let out: tf.Tensor;
      switch (e.op) {
        case 'const': out = tf.scalar(e.value); break;
        case 'data': out = dataTensor(e.column); break;
        case 'param': out = xs[e.param]; break;
        case 'level': out = tf.slice(xs[e.param], [0, e.level], [K, 1]); break;
        case 'gather': out = indexer(e.factor).index(xs[e.param]); break;
        case 'neg': out = tf.neg(ev(e.arg)); break;
        case 'call': {
          const a = ev(e.arg);
          out = e.fn === 'exp' ? tf.exp(a) : e.fn === 'log' ? tf.log(a) : e.fn === 'log1p' ? tf.log1p(a) : e.fn === 'sqrt' ? tf.sqrt(a) : tf.sigmoid(a);
          break;
        }
        case 'bin': {
          const a = ev(e.a);
          const b = ev(e.b);
          out = e.o === '+' ? tf.add(a, b) : e.o === '-' ? tf.sub(a, b) : e.o === '*' ? tf.mul(a, b) : tf.div(a, b);
        }
      }
      memo.set(e, out);
      return out;
    };
    for (const prior of ir.priors) {
      const x = xs[prior.param];
      let lp = prior.form.kernel(tfOps, x, prior.args.map(ev));
      if (prior.form.xTerm) lp = tf.add(lp, prior.form.xTerm(tfOps, x));
      parts.push(tf.sum(tf.broadcastTo(lp, x.shape), 1, true));
    }
    for (const lik of ir.likelihoods) {
      const lp = lik.form.kernel(tfOps, dataTensor(lik.column), lik.args.map(ev));
      parts.push(chunkSums(tf.broadcastTo(lp, [K, N]) as tf.Tensor2D));
    }
    if (parts.length === 0) parts.push(tf.zeros([K, 1]));
    return tf.concat(parts, 1);
  };

  const vg = tf.valueAndGrad((x: tf.Tensor) => graph(x as tf.Tensor2D));
  const width = tf.tidy(() => graph(tf.zeros([1, ir.dim])).shape[1]);
  const constant = hostConstant(ir);
  const toTensor = (thetas: readonly Float64Array[]): tf.Tensor2D => {
    const flat = new Float32Array(thetas.length * ir.dim);
    thetas.forEach((t, k) => flat.set(t, k * ir.dim));
    return tf.tensor2d(flat, [thetas.length, ir.dim]);
  };
  const rowSums = (v: Float32Array | Int32Array | Uint8Array, K: number): Float64Array => {
    const out = new Float64Array(K);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += v[k * width + j];
      out[k] = s;
    }
    return out;
  };

  const valueAndGradBatch = (thetas: readonly Float64Array[]): ValueAndGrad[] => {
    const K = thetas.length;
    const [v, g] = tf.tidy(() => {
      const { value, grad } = vg(toTensor(thetas), tf.ones([K, width]));
      return [value.dataSync(), grad.dataSync()];
    });
    const values = rowSums(v, K);
    return thetas.map((_, k) => ({ value: values[k], grad: Float64Array.from(g.subarray(k * ir.dim, (k + 1) * ir.dim)) }));
  };
  const names = paramNames(ir);
  return {
    backend: 'tfjs',
    dim: ir.dim,
    thetaNames: names.theta,
    names: names.constrained,
    constant,
    valueAndGrad: (theta) => valueAndGradBatch([theta])[0],
    valueAndGradBatch,
    valueBatch: (thetas) => rowSums(tf.tidy(() => graph(toTensor(thetas)).dataSync()), thetas.length),
    constrain: (theta) => constrainTheta(ir, theta),
    unconstrain: (values) => unconstrainValues(ir, values),
    dispose: () => {
      tf.dispose([...dataTensors.values()]);
      for (const ix of indexers.values()) ix.dispose();
    },
  };
}
