import { constrainTheta, splitValues } from '../layout.js';
import { evalExpr } from '../eval_f64.js';
import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import { constantJet, jetOps, seedJet, JetUnsupported, type Jet } from '../../distributions/jet_ops.js';
import type { F64 } from '../../distributions/f64_ops.js';
import { affineIn, NotAffine, type Affine } from './affine.js';
import { predictorArg } from './recognise.js';
import { patternOfPairs } from './pairs.js';
import type { LatentHessian, SymmetricPattern } from '../../core/log_density.js';


/**
 * One source of curvature in x: "rows" r with a scalar z_r = offset + sum_t a_tr x_t (a likelihood's
 * predictor per data row, or a Normal prior's x_e - mean per element) and a weight w_r = -d^2 term / dz^2,
 * so the block adds sum_r w_r a_r a_r' (a GLM's Z'WZ; a prior's precision).
 */
interface Block {
  readonly rows: number;
  /** Matrix index of each term per row (-1: not a requested coordinate, or a contrast's reference level). */
  readonly index: readonly Int32Array[];
  readonly coefs: readonly IrExpr[];
  /** For each pair of terms t <= s, the slot per row (-1: none) and whether the two hit one coordinate (t < s). */
  pairs: { t: number; s: number; slot: Int32Array; twice: Uint8Array | null }[];
  /** w per row, and dw/dz per row (0 for a Gaussian term: its weight does not move with x). */
  weights(values: readonly Float64Array[]): { w: F64; dw: F64 };
}

/**
 * Builds the Hessian in the coordinates `coords` (each an element of a parameter the IR marks `latent` or
 * `linear`), or undefined when the model's structure does not give it (a parameter read non-linearly, a
 * kernel the jets cannot differentiate): the caller then differences gradients.
 */
export function latentHessian(ir: ModelIR, coords: readonly number[]): LatentHessian | undefined {
  const inX = ir.params.map((p) => p.latent === true || p.linear === true);
  const position = new Map(coords.map((c, k) => [c, k]));
  for (const c of coords) {
    const p = ir.params.find((q) => c >= q.offset && c < q.offset + q.size);
    if (!p || !inX[ir.params.indexOf(p)]) return undefined;
  }
  const readsX = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some((q) => inX[q]);
  const blocks: Block[] = [];
  try {
    for (const lik of ir.likelihoods) {
      const k = predictorArg(lik, readsX);
      if (k < 0) continue;
      const affine = affineIn(lik.args[k], (q) => inX[q], (q) => ir.params[q].size);
      if (affine instanceof NotAffine) return undefined;
      const y = ir.data.numeric.get(lik.column)!;
      blocks.push(makeBlock(ir, affine, ir.data.nRows, position, (values) => {
        const args: Jet[] = lik.args.map((a, j) => (j === k ? seedJet(evalExpr(a, values, ir.data)) : constantJet(evalExpr(a, values, ir.data))));
        const jet = lik.form.kernel(jetOps, constantJet(y), args);
        return jet.d === null ? { w: 0, dw: 0 } : { w: negate(jet.d[1]), dw: negate(jet.d[2]) };
      }));
    }
    for (const t of ir.priors) {
      if (!inX[t.param]) continue;
      // Normal(mean, scale) on x: z_e = x_e - mean, weight 1 / scale^2 (recognise.ts admits only Normal).
      const p = ir.params[t.param];
      const variate: IrExpr = p.size === 1 && p.factor === undefined
        ? { op: 'param', param: t.param }
        : { op: 'gather', param: t.param, factor: '~element' };
      const mean = affineIn(t.args[0], (q) => inX[q], (q) => ir.params[q].size);
      if (mean instanceof NotAffine) return undefined;
      const z: Affine = {
        offset: mean.offset,
        terms: [affineIn(variate, () => true, () => p.size) as Affine, { terms: mean.terms.map((m) => ({ ...m, coef: { op: 'neg', arg: m.coef } as IrExpr })) }]
          .flatMap((a) => a.terms),
      };
      const scale = t.args[1];
      blocks.push(makeBlock(ir, z, p.size, position, (values) => {
        const s = evalExpr(scale, values, ir.data) as number;
        return { w: 1 / (s * s), dw: 0 };
      }));
    }
  } catch (e) {
    if (e instanceof JetUnsupported) return undefined;
    throw e;
  }
  const pattern = assemblePattern(coords.length, blocks);
  const evaluate = (theta: Float64Array): Float64Array => {
    const values = splitValues(ir, constrainTheta(ir, theta));
    const out = new Float64Array(pattern.rowIdx.length);
    for (const b of blocks) accumulate(b, values, ir, out);
    return out;
  };
  // Checked once: a kernel the jets cannot differentiate in its predictor throws here, not in an engine.
  try {
    evaluate(new Float64Array(ir.dim));
  } catch (e) {
    if (e instanceof JetUnsupported) return undefined;
    throw e;
  }
  const logDetGradient = (theta: Float64Array, inverse: Float64Array): Float64Array => {
    const values = splitValues(ir, constrainTheta(ir, theta));
    const out = new Float64Array(coords.length);
    for (const b of blocks) addLogDetGradient(b, values, ir, inverse, out);
    return out;
  };
  return { coords, pattern, values: evaluate, logDetGradient };
}

const negate = (x: F64): F64 => (typeof x === 'number' ? -x : x.map((v) => -v));

function makeBlock(ir: ModelIR, a: Affine, rows: number, position: ReadonlyMap<number, number>, weights: Block['weights']): Block {
  const index = a.terms.map((t) => {
    const p = ir.params[t.param];
    const out = new Int32Array(rows);
    if (t.factor === '~element') {
      for (let r = 0; r < rows; r++) out[r] = position.get(p.offset + r) ?? -1;
    } else if (t.factor !== undefined) {
      const codes = ir.data.factors.get(t.factor)!.codes;
      for (let r = 0; r < rows; r++) out[r] = codes[r] < 0 ? -1 : position.get(p.offset + codes[r]) ?? -1;
    } else {
      out.fill(position.get(p.offset + t.element) ?? -1);
    }
    return out;
  });
  return { rows, index, coefs: a.terms.map((t) => t.coef), pairs: [], weights };
}

/** Every block's pairs of terms and rows into one pattern, and each pair's slot per row. */
function assemblePattern(n: number, blocks: Block[]): SymmetricPattern {
  const rs: number[] = [];
  const cs: number[] = [];
  const visit = (f: (b: Block, t: number, s: number, r: number, i: number, j: number) => void): void => {
    for (const b of blocks) {
      const T = b.index.length;
      for (let t = 0; t < T; t++) {
        for (let s = t; s < T; s++) {
          for (let r = 0; r < b.rows; r++) {
            const i = b.index[t][r];
            const j = b.index[s][r];
            if (i >= 0 && j >= 0) f(b, t, s, r, i, j);
          }
        }
      }
    }
  };
  visit((_b, _t, _s, _r, i, j) => {
    rs.push(i);
    cs.push(j);
  });
  const { pattern, slot } = patternOfPairs(n, Int32Array.from(rs), Int32Array.from(cs));
  for (const b of blocks) {
    const T = b.index.length;
    for (let t = 0; t < T; t++) {
      for (let s = t; s < T; s++) b.pairs.push({ t, s, slot: new Int32Array(b.rows).fill(-1), twice: t < s ? new Uint8Array(b.rows) : null });
    }
  }
  // The same walk, in the same order, hands out the slots.
  let k = 0;
  visit((b, t, s, r, i, j) => {
    const T = b.index.length;
    const pair = b.pairs[t * T - (t * (t - 1)) / 2 + (s - t)];
    pair.slot[r] = slot[k++];
    if (pair.twice && i === j) pair.twice[r] = 1;
  });
  return pattern;
}

function accumulate(b: Block, values: readonly Float64Array[], ir: ModelIR, out: Float64Array): void {
  const { w } = b.weights(values);
  const coef = b.coefs.map((c) => evalExpr(c, values, ir.data));
  const at = (x: F64, r: number): number => (typeof x === 'number' ? x : x[r]);
  for (const { t, s, slot, twice } of b.pairs) {
    const ct = coef[t];
    const cs = coef[s];
    for (let r = 0; r < b.rows; r++) {
      const k = slot[r];
      if (k < 0) continue;
      // A pair t < s on one coordinate is the (t, s) and (s, t) terms of the diagonal.
      const m = twice !== null && twice[r] === 1 ? 2 : 1;
      out[k] += m * at(w, r) * at(ct, r) * at(cs, r);
    }
  }
}

/**
 * d log det H / dx_d = tr(H^-1 dH/dx_d) = sum_r (dw_r/dz) a_rd (a_r' H^-1 a_r): each row's leverage
 * a_r' H^-1 a_r needs H^-1 only on the row's own pairs, which are in the pattern (the selected inverse).
 */
function addLogDetGradient(b: Block, values: readonly Float64Array[], ir: ModelIR, inverse: Float64Array, out: Float64Array): void {
  const { dw } = b.weights(values);
  if (typeof dw === 'number' && dw === 0) return;
  const coef = b.coefs.map((c) => evalExpr(c, values, ir.data));
  const at = (x: F64, r: number): number => (typeof x === 'number' ? x : x[r]);
  const leverage = new Float64Array(b.rows);
  for (const { t, s, slot } of b.pairs) {
    const ct = coef[t];
    const cs = coef[s];
    // a' Z a counts an off-diagonal pair of terms twice (Z is symmetric), a term with itself once.
    const m = t < s ? 2 : 1;
    for (let r = 0; r < b.rows; r++) {
      const k = slot[r];
      if (k >= 0) leverage[r] += m * at(ct, r) * at(cs, r) * inverse[k];
    }
  }
  b.index.forEach((index, t) => {
    const ct = coef[t];
    for (let r = 0; r < b.rows; r++) {
      const d = index[r];
      if (d >= 0) out[d] += at(dw, r) * at(ct, r) * leverage[r];
    }
  });
}
