import type { Ops } from '../../distributions/ops.js';
import { tf } from './backend.js';

type T = tf.Tensor;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SHIFT = 6;

/**
 * log Gamma(x) for x > 0 from differentiable tfjs ops (tfjs has none): shift x up by 6 with the
 * recurrence, then Stirling's series to 1/z^5 (error < 1e-9 at z >= 6, far below float32).
 */
function lgamma(x: T): T {
  let logProd = tf.log(x);
  for (let k = 1; k < SHIFT; k++) logProd = tf.add(logProd, tf.log(tf.add(x, k)));
  const z = tf.add(x, SHIFT);
  const iz = tf.reciprocal(z);
  const iz2 = tf.square(iz);
  const series = tf.mul(iz, tf.add(1 / 12, tf.mul(iz2, tf.add(-1 / 360, tf.mul(iz2, 1 / 1260)))));
  const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_2PI));
  return tf.sub(stirling, logProd);
}

export const tfOps: Ops<T> = {
  c: (x) => tf.scalar(x),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  neg: (a) => tf.neg(a),
  exp: (a) => tf.exp(a),
  log: (a) => tf.log(a),
  log1p: (a) => tf.log1p(a),
  square: (a) => tf.square(a),
  sqrt: (a) => tf.sqrt(a),
  softplus: (a) => tf.softplus(a),
  sigmoid: (a) => tf.sigmoid(a),
  lgamma,
  // float32 cancels here at large phi whatever the formula; the float64 evaluators take the careful one.
  lgammaRatio: (y, phi) => tf.sub(tf.sub(lgamma(tf.add(y, phi)), lgamma(phi)), tf.mul(y, tf.log(phi))),
  // Tables appear only in models reduced to cells, which always run in float64 JS (backend_choice.ts).
  table: () => {
    throw new Error('a tabulated cell function reached the tfjs graph: reduced models run in float64 JS');
  },
  table2: () => {
    throw new Error('a tabulated cell function reached the tfjs graph: reduced models run in float64 JS');
  },
};
