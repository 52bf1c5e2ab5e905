import { constrainTheta, splitValues } from '../layout.js';
import { evalExpr } from '../eval_f64.js';
import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import { constantJet, jetOps, JetUnsupported, seedJet, type Jet } from '../../distributions/jet_ops.js';
import { affineIn, NotAffine, type Affine } from './affine.js';
import { canonical, predictorArg, sharedPredictor } from './recognise.js';
import { patternOfPairs } from './pairs.js';
import { curvatureOf, hasClosedCurvature, isGaussianIn } from './curvature.js';
import type { LatentHessian, SymmetricPattern } from '../../core/log_density.js';
import { at, Block, cached, type BlockCurvature, type Values, type WeightSlopes } from './block.js';
import { DENSE_LOG_DET_HESSIAN, logDetHessianAlong } from './log_det_hessian.js';

/** Which element of its parameter a term reads on each row. */
function elementsOf(ir: ModelIR, term: Affine['terms'][number], rows: number): Int32Array {
  if (term.factor === '~element') return Int32Array.from({ length: rows }, (_, r) => r);
  if (term.factor !== undefined) return ir.data.factors.get(term.factor)!.codes;
  return new Int32Array(rows).fill(term.element);
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
    const p = ir.params.findIndex((q) => c >= q.offset && c < q.offset + q.size);
    if (p < 0 || !inX[p]) return undefined;
  }
  const readsX = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some((q) => inX[q]);
  const sizeOf = (q: number): number => ir.params[q].size;
  const block = (affine: Affine, rows: number, curvature: BlockCurvature, weightExprs: readonly IrExpr[], slopes?: WeightSlopes): Block => {
    const reads = affine.terms.map((t) => ({ param: t.param, element: elementsOf(ir, t, rows) }));
    const index = reads.map(({ param, element }) => Int32Array.from(element, (e) => (e < 0 ? -1 : position.get(ir.params[param].offset + e) ?? -1)));
    const weightParams = [...new Set(weightExprs.flatMap((e) => [...paramsOf(e)]))];
    return new Block(rows, index, reads, affine, ir, curvature, weightParams, slopes);
  };
  const blocks: Block[] = [];
  let constantInX = true;
  /** Whether some block's curvature comes from Taylor jets (which may not know a kernel: checked below). */
  let jets = false;
  for (const lik of ir.likelihoods) {
    const k = predictorArg(lik, readsX);
    if (k < 0) continue;
    const affine = affineIn(lik.args[k], (q) => inX[q], sizeOf);
    if (affine instanceof NotAffine) {
      // X through one predictor inside non-linear arguments (a Beta's phi * inv_logit(+-eta), a Gamma's
      // rate shape * exp(-eta)): the row's likelihood is a function of that one scalar, differentiated by jets.
      const shared = sharedPredictor(lik, (q) => inX[q], sizeOf);
      const z = shared && affineIn(shared, (q) => inX[q], sizeOf);
      if (!z || z instanceof NotAffine) return undefined;
      const curvature = sharedCurvature(ir, lik, shared, readsX);
      constantInX = false;
      jets = true;
      const others = lik.args.flatMap((a) => [...paramsOf(a)]).filter((q) => !inX[q]).map((q): IrExpr => ({ op: 'param', param: q }));
      blocks.push(block(z, ir.data.nRows, curvature, others));
      continue;
    }
    const y = ir.data.numeric.get(lik.column)!;
    const args = lik.args.map((a, j) => (j === k ? () => 0 : cached(a, ir)));
    const curvature = curvatureOf(lik, k);
    jets ||= !hasClosedCurvature(lik, k);
    constantInX &&= isGaussianIn(lik, k);
    // The weights' slopes in closed form where every other argument that reads a parameter has one.
    const varying = lik.args.flatMap((a, j) => (j !== k && dependsOnParams(a) ? [j] : []));
    const closed = varying.length > 0 && varying.every((j) => curvature.slopes?.includes(j));
    const score = curvature.scoreSlope;
    const slopes: WeightSlopes | undefined = closed ? {
      args: varying.map((j) => ({ j, value: args[j] })),
      out: lik.args.map((_, j) => (varying.includes(j) ? new Float64Array(ir.data.nRows) : undefined)),
      ...(score ? { score: (z: Float64Array, values: Values, j: number, out: Float64Array) => score(z, y, args.map((a) => a(values)), j, out) } : {}),
    } : undefined;
    blocks.push(block(affine, ir.data.nRows, (z, values, w, dw, s) => curvature(z, y, args.map((a) => a(values)), w, dw, s),
      lik.args.filter((_, j) => j !== k), slopes));
  }
  for (const t of ir.priors) {
    if (!inX[t.param]) continue;
    // Normal(mean, scale) on x: z_e = x_e - mean, weight 1 / scale^2 (recognise.ts admits only Normal).
    const mean = affineIn(t.args[0], (q) => inX[q], sizeOf);
    if (mean instanceof NotAffine) return undefined;
    const variate = { param: t.param, factor: '~element', element: -1, coef: { op: 'const', value: 1 } as IrExpr };
    const z: Affine = { offset: { op: 'neg', arg: mean.offset }, terms: [variate, ...mean.terms.map((m) => ({ ...m, coef: { op: 'neg', arg: m.coef } as IrExpr }))] };
    const scale = cached(t.args[1], ir);
    const size = ir.params[t.param].size;
    // w = 1 / s^2 and the score -z / s^2: their slopes in s, -2 / s^3 and 2 z / s^3.
    const slopes: WeightSlopes | undefined = dependsOnParams(t.args[1]) ? {
      args: [{ j: 1, value: scale }],
      out: [undefined, new Float64Array(size)],
      score: (zs, values, _j, out) => {
        const s = at(scale(values), 0);
        for (let r = 0; r < zs.length; r++) out[r] = (2 * zs[r]) / (s * s * s);
      },
    } : undefined;
    blocks.push(block(z, size, (_z, values, w, dw, ds) => {
      const s = at(scale(values), 0);
      w.fill(1 / (s * s));
      dw.fill(0);
      ds?.[1]?.fill(-2 / (s * s * s));
    }, [t.args[1]], slopes));
  }
  const pattern = assemblePattern(coords.length, blocks);
  const evaluate = (theta: Float64Array): Float64Array => {
    const values = splitValues(ir, constrainTheta(ir, theta));
    const out = new Float64Array(pattern.rowIdx.length);
    for (const b of blocks) accumulate(b, values, out);
    return out;
  };
  // Checked once: a kernel the jets cannot differentiate in its predictor throws here, not in an engine.
  // Closed forms need no check (a reduced negative binomial's would fill every cell's tables at 0, per gene).
  try {
    if (jets) evaluate(new Float64Array(ir.dim));
  } catch (e) {
    if (e instanceof JetUnsupported) return undefined;
    throw e;
  }
  const logDetGradient = (theta: Float64Array, inverse: Float64Array): Float64Array => {
    const values = splitValues(ir, constrainTheta(ir, theta));
    const out = new Float64Array(coords.length);
    for (const b of blocks) addLogDetGradient(b, values, inverse, out);
    return out;
  };
  // d log det H / d theta in one pass needs z linear in its parameters, those parameters unconstrained
  // (theta is then the value), and the weights' other parameters apart from z's.
  const zParams = new Set(blocks.flatMap((b) => b.reads.map((r) => r.param)));
  const thetaPath = blocks.every((b) => b.linearZ && b.weightParams.every((q) => !zParams.has(q)))
    && [...zParams].every((q) => ir.params[q].transform.kind === 'identity');
  const thetaLogDetGradient = (theta: Float64Array, inverse: Float64Array): Float64Array => {
    const values = splitValues(ir, constrainTheta(ir, theta));
    const out = new Float64Array(ir.dim);
    for (const b of blocks) b.addThetaLogDetGradient(ir, theta, values, inverse, out);
    return out;
  };
  const logDetHessian = (theta: Float64Array, inverse: Float64Array, solve: (b: Float64Array) => Float64Array, directions: readonly Float64Array[]): Float64Array[] | undefined => {
    const n = coords.length;
    if (n > DENSE_LOG_DET_HESSIAN) return undefined;
    const values = splitValues(ir, constrainTheta(ir, theta));
    return logDetHessianAlong(theta, blocks, n, values, inverse, solve, directions);
  };
  // d(grad_x log p)/d theta_c for a coordinate c of the weights' parameters, where every block it enters
  // gives it in closed form (the others: the caller differences gradients).
  const mixedColumns = (theta: Float64Array, wanted: readonly number[]): Map<number, Float64Array> => {
    const paramOf = (c: number): number => ir.params.findIndex((q) => c >= q.offset && c < q.offset + q.size);
    const columns = new Map<number, Float64Array>();
    for (const c of wanted) {
      const q = paramOf(c);
      // Not where z reads it (u = sd * z: the predictor's coefficients move with it), nor where a term's
      // weights read it without the score's slope.
      const touching = blocks.filter((b) => b.weightParams.includes(q));
      if (touching.every((b) => b.mixedInClosedForm) && !zParams.has(q) && blocks.every((b) => !b.zReads.has(q))) columns.set(c, new Float64Array(coords.length));
    }
    if (columns.size === 0) return columns;
    const values = splitValues(ir, constrainTheta(ir, theta));
    for (const b of blocks) if (b.weightParams.length > 0 && b.mixedInClosedForm) b.addMixed(ir, theta, values, columns);
    return columns;
  };
  return { coords, pattern, values: evaluate, logDetGradient, constantInX, mixedColumns, ...(thetaPath ? { thetaLogDetGradient, logDetHessian } : {}) };
}

/**
 * w = -d2 l / dz2 and dw/dz per row of a likelihood that reads X through one shared predictor z inside its
 * arguments: the arguments are evaluated as jets in z (the predictor's occurrences seeded, the rest
 * constant at the parameters' values), then the kernel. Exact, where differences of the gradient lost
 * digits: a Beta GLMM's intercept SE moved by 5% when the intercept was shifted by a constant.
 */
function sharedCurvature(ir: ModelIR, lik: ModelIR['likelihoods'][number], shared: IrExpr, readsX: (e: IrExpr) => boolean): BlockCurvature {
  const key = canonical(shared);
  const y = ir.data.numeric.get(lik.column)!;
  // The arguments with the predictor's occurrences marked once (comparing structures per row would cost).
  type Marked = { readonly z: true } | { readonly fixed: IrExpr } | { readonly op: IrExpr; readonly parts: readonly Marked[] };
  const mark = (e: IrExpr): Marked => {
    if (!readsX(e)) return { fixed: e };
    if (canonical(e) === key) return { z: true };
    if (e.op === 'neg' || e.op === 'call') return { op: e, parts: [mark(e.arg)] };
    if (e.op === 'bin') return { op: e, parts: [mark(e.a), mark(e.b)] };
    throw new JetUnsupported('X read other than through the shared predictor');
  };
  const marked = lik.args.map(mark);
  return (z, values, w, dw) => {
    const zj = seedJet(z);
    const ev = (m: Marked): Jet => {
      if ('z' in m) return zj;
      if ('fixed' in m) return constantJet(evalExpr(m.fixed, values, ir.data));
      const e = m.op;
      const [a, b] = m.parts.map(ev);
      if (e.op === 'neg') return jetOps.neg(a);
      if (e.op === 'call') {
        switch (e.fn) {
          case 'exp': return jetOps.exp(a);
          case 'log': return jetOps.log(a);
          case 'log1p': return jetOps.log1p(a);
          case 'sqrt': return jetOps.sqrt(a);
          case 'inv_logit': return jetOps.sigmoid(a);
        }
      }
      if (e.op !== 'bin') throw new JetUnsupported('an expression the jets do not know');
      return e.o === '+' ? jetOps.add(a, b) : e.o === '-' ? jetOps.sub(a, b) : e.o === '*' ? jetOps.mul(a, b) : jetOps.div(a, b);
    };
    const jet = lik.form.kernel(jetOps, constantJet(y), marked.map(ev));
    const [, d2, d3] = jet.d ?? [0, 0, 0];
    for (let r = 0; r < z.length; r++) {
      w[r] = -at(d2, r);
      dw[r] = -at(d3, r);
    }
  };
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
  // The same walk, in the same order, hands out the slots.
  const collect = new Map<Block, { rows: number[]; slots: number[]; mult: number[] }[]>();
  for (const b of blocks) {
    const T = b.index.length;
    collect.set(b, Array.from({ length: (T * (T + 1)) / 2 }, () => ({ rows: [], slots: [], mult: [] })));
  }
  let k = 0;
  visit((b, t, s, r, i, j) => {
    const T = b.index.length;
    const pair = collect.get(b)![t * T - (t * (t - 1)) / 2 + (s - t)];
    pair.rows.push(r);
    pair.slots.push(slot[k++]);
    pair.mult.push(t < s && i === j ? 2 : 1);
  });
  for (const b of blocks) {
    const T = b.index.length;
    const lists = collect.get(b)!;
    b.pairs = [];
    for (let t = 0; t < T; t++) {
      for (let s = t; s < T; s++) {
        const l = lists[t * T - (t * (t - 1)) / 2 + (s - t)];
        if (l.rows.length > 0) b.pairs.push({ t, s, rows: Int32Array.from(l.rows), slots: Int32Array.from(l.slots), mult: Float64Array.from(l.mult) });
      }
    }
  }
  return pattern;
}

function accumulate(b: Block, values: Values, out: Float64Array): void {
  const { coef, w } = b.prepare(values);
  for (const { t, s, rows, slots, mult } of b.pairs) {
    const ct = coef[t];
    const cs = coef[s];
    const n = rows.length;
    if (typeof ct === 'number' && typeof cs === 'number') {
      const c = ct * cs;
      for (let q = 0; q < n; q++) out[slots[q]] += mult[q] * c * w[rows[q]];
    } else {
      for (let q = 0; q < n; q++) {
        const r = rows[q];
        out[slots[q]] += mult[q] * w[r] * at(ct, r) * at(cs, r);
      }
    }
  }
}

/**
 * d log det H / dx_d = tr(H^-1 dH/dx_d) = sum_r (dw_r/dz) a_rd (a_r' H^-1 a_r): each row's leverage
 * a_r' H^-1 a_r needs H^-1 only on the row's own pairs, which are in the pattern (the selected inverse).
 */
function addLogDetGradient(b: Block, values: Values, inverse: Float64Array, out: Float64Array): void {
  const { coef, dw } = b.prepare(values);
  if (dw.every((v) => v === 0)) return;
  b.addLogDetGradientX(coef, dw, b.leverage(coef, inverse), out);
}
