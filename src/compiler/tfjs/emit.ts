import type { LogDensity, ValueAndGrad } from '../../core/log_density.js';
import { constrainWithJacobian } from '../../bijectors/transforms.js';
import { dependsOnParams, type IrExpr, type IrLikelihood, type ModelIR } from '../ir.js';
import type { Form } from '../../distributions/catalog.js';
import { additiveTerms, cellLevel, factorsOf, rebuildSum } from '../cells.js';
import { latentCoordinates, linearCoordinates, oneResidualSd } from '../latent.js';
import { latentHessian } from '../latent/hessian.js';
import { hierarchiesOf } from '../latent/hierarchy.js';
import { aliasedFixedEffects, boundedFixedEffects } from '../latent/aliased.js';
import { countStart } from '../latent/count_start.js';
import { once } from '../../core/once.js';
import { hostConstant, paramNames, constrainTheta, unconstrainValues } from '../layout.js';
import { tf } from './backend.js';
import { makeRowIndexer } from './index_rows.js';
import { tfOps } from './ops.js';
import { rowLayout } from './row_layout.js';

/** t broadcast to `shape`; tfjs copies even when the shape already matches (an Identity kernel per call). */
function fitShape(t: tf.Tensor, shape: number[]): tf.Tensor {
  return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(t, shape);
}

/** Above this many chunk sums, they are summed again in groups before the read-back. */
const GROUP = 256;

function groupSums(t: tf.Tensor2D): tf.Tensor2D {
  const [K, n] = t.shape;
  if (n <= 4 * GROUP) return t;
  const full = Math.floor(n / GROUP);
  const main = tf.sum(tf.reshape(tf.slice(t, [0, 0], [K, full * GROUP]), [K, full, GROUP]), 2) as tf.Tensor2D;
  if (full * GROUP === n) return main;
  return tf.concat([main, tf.sum(tf.slice(t, [0, full * GROUP], [K, n - full * GROUP]), 1, true)], 1);
}

/**
 * Emits the model's log density as a tfjs graph over a batch of points theta [K, dim]. Row terms
 * live in [K, chunks, C] tensors (see row_layout.ts); the graph returns [K, M] partial sums (chunks,
 * priors, Jacobians) so the total is added in float64, and autodiff gives the gradient of their sum.
 */
export function emitTfjs(ir: ModelIR): LogDensity & { readonly backend: 'tfjs' } {
  const factors = [...ir.likelihoods.reduce((s, l) => (l.args.forEach((a) => factorsOf(a, s)), s), new Set<string>())].sort();
  const layout = rowLayout(ir.data, factors);
  const { nChunks, chunk: C } = layout;
  // Constants are made once, outside any tf.tidy, so that no evaluation disposes of them.
  const dataTensors = new Map<string, tf.Tensor3D>();
  // Plain loops: TypedArray.from with a map function is ~10x slower on a million rows.
  const permute = (v: Float64Array, zeroPadding: boolean): Float32Array => {
    const { rowAt, mask: m } = layout;
    const out = new Float32Array(rowAt.length);
    for (let j = 0; j < out.length; j++) out[j] = v[rowAt[j]];
    if (zeroPadding && m) for (let j = 0; j < out.length; j++) if (m[j] === 0) out[j] = 0;
    return out;
  };
  const toRows = (v: Float64Array): tf.Tensor3D => tf.tensor3d(permute(v, false), [1, nChunks, C]);
  const mask = layout.mask ? tf.tensor3d(layout.mask, [1, nChunks, C]) : null;
  const indexers = new Map<string, ReturnType<typeof makeRowIndexer>>();
  const visit = (e: IrExpr): void => {
    if (e.op === 'data' && !dataTensors.has(e.column)) dataTensors.set(e.column, toRows(ir.data.numeric.get(e.column)!));
    if (e.op === 'gather' && !indexers.has(e.factor)) {
      indexers.set(e.factor, makeRowIndexer(layout.chunkCodes.get(e.factor)!, ir.data.factors.get(e.factor)!.levels.length));
    }
    if (e.op === 'neg' || e.op === 'call') visit(e.arg);
    if (e.op === 'bin') {
      visit(e.a);
      visit(e.b);
    }
  };
  for (const lik of ir.likelihoods) [{ op: 'data', column: lik.column } as IrExpr, ...lik.args].forEach(visit);

  // A predictor eta = a + d with a constant within chunks and d an offset (data): exp(eta) is then
  // exp(a) * exp(d), with exp(d) computed once on the host, so no row-sized exp is ever evaluated.
  // For Poisson, padding rows get y = 0 and exp(d) = 0, so their terms (y eta - exp(eta)) and
  // residuals vanish without a mask: two row-sized multiplications fewer per call.
  const offsets = new Map<IrLikelihood, { cell: IrExpr; d: tf.Tensor3D; expD: tf.Tensor3D; y?: tf.Tensor3D }>();
  const padZero = (v: Float64Array): tf.Tensor3D =>
    tf.tensor3d(permute(v, true), [1, nChunks, C]);
  for (const lik of ir.likelihoods) {
    const score = lik.form.score;
    if (!score) continue;
    const terms = additiveTerms(lik.args[score.arg]);
    const data = terms.filter((t) => t.expr.op === 'data');
    const rest = terms.filter((t) => t.expr.op !== 'data');
    if (data.length === 0 || !rest.every((t) => cellLevel(t.expr))) continue;
    const d = new Float64Array(ir.data.nRows);
    for (const t of data) {
      const v = ir.data.numeric.get((t.expr as { column: string }).column)!;
      for (let i = 0; i < d.length; i++) d[i] += t.sign * v[i];
    }
    const poisson = lik.dist.name === 'Poisson' && layout.mask !== null;
    const expD = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) expD[i] = Math.exp(d[i]);
    offsets.set(lik, {
      cell: rebuildSum(rest), d: toRows(d),
      expD: poisson ? padZero(expD) : toRows(expD),
      ...(poisson && { y: padZero(ir.data.numeric.get(lik.column)!) }),
    });
  }

  /** A GLM term with its residual as hand-written gradient: d(chunk sum)/d(eta) = score, saved in the forward pass. */
  const scoreTerm = (lik: IrLikelihood, score: NonNullable<Form['score']>, y: tf.Tensor3D, args: tf.Tensor[],
    evRow: (e: IrExpr) => tf.Tensor, K: number): tf.Tensor2D => {
    const off = offsets.get(lik);
    const needsMask = mask !== null && off?.y === undefined;
    if (off?.y) y = off.y;
    const input = fitShape(off ? evRow(off.cell) : args[score.arg], off ? [K, nChunks, 1] : [K, nChunks, C]);
    const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const a = inputs[0] as tf.Tensor;
      let o = tfOps;
      let eta = a;
      if (off) {
        eta = tf.add(a, off.d);
        const mu = tf.mul(tf.exp(a), off.expD);
        o = { ...tfOps, exp: (t) => (t === eta ? mu : tf.exp(t)) };
      }
      const withEta = args.map((x, i) => (i === score.arg ? eta : x));
      let r = fitShape(score.fn(o, y, withEta), [K, nChunks, C]);
      if (needsMask) r = tf.mul(r, mask!);
      (inputs[inputs.length - 1] as tf.GradSaveFunc)([r]);
      let lp = fitShape(lik.form.kernel(o, y, withEta), [K, nChunks, C]);
      if (needsMask) lp = tf.mul(lp, mask!);
      return {
        value: tf.sum(lp, 2),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const g = tf.mul(saved[0], tf.expandDims(dy, 2));
          return [off ? tf.sum(g, 2, true) : g];
        },
      };
    });
    return op(input) as tf.Tensor2D;
  };

  const graph = (theta: tf.Tensor2D): tf.Tensor2D => {
    const K = theta.shape[0];
    const parts: tf.Tensor2D[] = [];
    const xs = ir.params.map((p) => {
      const t = tf.slice(theta, [0, p.offset], [K, p.size]);
      const { x, logJ } = constrainWithJacobian(tfOps, p.transform, t);
      if (logJ && !ir.ml) parts.push(tf.sum(logJ, 1, true));
      return x as tf.Tensor2D;
    });
    // Priors see [K, size] and [K, 1] tensors; row terms see [K, chunks, C] and their broadcasts.
    const evaluator = (rows: boolean) => {
      const memo = new Map<IrExpr, tf.Tensor>();
      const ev = (e: IrExpr): tf.Tensor => {
        const hit = memo.get(e);
        if (hit) return hit;
        let out: tf.Tensor;
        switch (e.op) {
          case 'const': out = tf.scalar(e.value); break;
          case 'data': out = dataTensors.get(e.column)!; break;
          case 'param': out = rows ? tf.reshape(xs[e.param], [K, 1, 1]) : xs[e.param]; break;
          case 'level': out = tf.reshape(tf.slice(xs[e.param], [0, e.level], [K, 1]), rows ? [K, 1, 1] : [K, 1]); break;
          case 'gather': out = tf.reshape(indexers.get(e.factor)!.index(xs[e.param]), [K, nChunks, 1]); break;
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
      return ev;
    };
    const evPrior = evaluator(false);
    for (const prior of ir.priors) {
      const x = xs[prior.param];
      let lp = prior.form.kernel(tfOps, x, prior.args.map(evPrior));
      if (prior.form.xTerm) lp = tf.add(lp, prior.form.xTerm(tfOps, x));
      parts.push(tf.sum(fitShape(lp, x.shape), 1, true));
    }
    const evRow = evaluator(true);
    for (const lik of ir.likelihoods) {
      const y = dataTensors.get(lik.column)!;
      const args = lik.args.map(evRow);
      const chunkSums = (a: readonly tf.Tensor[]): tf.Tensor2D => {
        let lp = fitShape(lik.form.kernel(tfOps, y, a), [K, nChunks, C]);
        if (mask) lp = tf.mul(lp, mask);
        return tf.sum(lp, 2) as tf.Tensor2D;
      };
      const score = lik.form.score;
      if (score && lik.args.every((e, i) => i === score.arg || !dependsOnParams(e))) {
        parts.push(groupSums(scoreTerm(lik, score, y, args, evRow, K)));
      } else {
        parts.push(groupSums(chunkSums(args)));
      }
    }
    if (parts.length === 0) parts.push(tf.zeros([K, 1]));
    return tf.concat(parts, 1);
  };

  const vg = tf.valueAndGrad((x: tf.Tensor) => graph(x as tf.Tensor2D));
  const width = tf.tidy(() => graph(tf.zeros([1, ir.dim])).shape[1]);
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
    constant: hostConstant(ir),
    rows: ir.data.nRows,
    oneResidualSd: oneResidualSd(ir),
    latent: latentCoordinates(ir),
    linear: linearCoordinates(ir),
    hierarchies: hierarchiesOf(ir),
    aliased: once(() => aliasedFixedEffects(ir)),
    boundedFixedEffects: once(() => boundedFixedEffects(ir)),
    countStart: once(() => countStart(ir)),
    latentHessian: (coords) => latentHessian(ir, coords),
    valueAndGrad: (theta) => valueAndGradBatch([theta])[0],
    valueAndGradBatch,
    valueBatch: (thetas) => rowSums(tf.tidy(() => graph(toTensor(thetas)).dataSync()), thetas.length),
    constrain: (theta) => constrainTheta(ir, theta),
    unconstrain: (values) => unconstrainValues(ir, values),
    dispose: () => {
      tf.dispose([...dataTensors.values(), ...(mask ? [mask] : []), ...[...offsets.values()].flatMap((o) => [o.d, o.expD, ...(o.y ? [o.y] : [])])]);
      for (const ix of indexers.values()) ix.dispose();
    },
  };
}
