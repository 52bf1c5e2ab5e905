import { tf } from './backend.js';

/** Above this many one-hot entries the design matrices cost too much memory; gather is used instead. */
const ONE_HOT_LIMIT = 32e6;

/**
 * v[k, codes[i]] for every row i, with a hand-written gradient. tfjs's gather has no gradient on
 * wasm and autodiff through a one-hot matMul is slow, so (measured in docs/performance) the forward
 * pass multiplies by a constant one-hot X^T (the big operand on the right, which is fast on wasm)
 * and the backward pass by X; very large designs use gather forward and a weighted bincount back.
 */
export function makeRowIndexer(codes: Int32Array, nLevels: number): { index(v: tf.Tensor2D): tf.Tensor2D; dispose(): void } {
  const n = codes.length;
  if (n * nLevels <= ONE_HOT_LIMIT || codes.some((c) => c < 0)) {
    const xt = new Float32Array(nLevels * n);
    const x = new Float32Array(n * nLevels);
    for (let i = 0; i < n; i++) {
      if (codes[i] < 0) continue; // a contrast's reference level: the row gets 0
      xt[codes[i] * n + i] = 1;
      x[i * nLevels + codes[i]] = 1;
    }
    const XT = tf.tensor2d(xt, [nLevels, n]);
    const X = tf.tensor2d(x, [n, nLevels]);
    const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const v = inputs[0] as tf.Tensor;
      return { value: tf.matMul(v as tf.Tensor2D, XT), gradFunc: (dy: tf.Tensor) => [tf.matMul(dy as tf.Tensor2D, X)] };
    });
    return { index: (v) => op(v) as tf.Tensor2D, dispose: () => tf.dispose([XT, X]) };
  }
  const idx = tf.tensor1d(codes, 'int32');
  const op = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const v = inputs[0] as tf.Tensor;
    const K = v.shape[0];
    return {
      value: tf.gather(v, idx, 1),
      gradFunc: (dy: tf.Tensor) => {
        const rows = tf.unstack(dy, 0).map((d) => tf.bincount(idx, d as tf.Tensor1D, nLevels));
        return [K === 1 ? tf.expandDims(rows[0], 0) : tf.stack(rows, 0)];
      },
    };
  });
  return { index: (v) => op(v) as tf.Tensor2D, dispose: () => idx.dispose() };
}
