import { constrainTheta, splitValues } from '../layout.js';
import { evalExpr } from '../eval_f64.js';
import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import type { F64 } from '../../distributions/f64_ops.js';
import type { ArgSlopes } from '../../distributions/catalog.js';
import type { Affine } from './affine.js';

/*
 * One source of the latent Hessian's curvature (a likelihood over its rows, a Normal prior over its
 * elements) and what a pass over its rows gives: its share of H, of d log det H / d theta, and of the
 * marginal's mixed derivatives. latentHessian (hessian.ts) recognises the blocks and assembles them.
 */

export type Values = readonly Float64Array[];
/** w and dw/dz per row from z and the parameter values; with `slopes`, dw / d arg_j too where the curvature has them. */
export type BlockCurvature = (z: Float64Array, values: Values, w: Float64Array, dw: Float64Array, slopes?: ArgSlopes) => void;

/**
 * The other arguments of a likelihood whose curvature gives dw / d arg_j in closed form (curvature.ts):
 * each with its value from the parameters, so that dw / d theta_c = sum_j dw/d arg_j d arg_j / d theta_c
 * (the second factor by differences of the argument alone, which reads no data row's table).
 */
export interface WeightSlopes {
  readonly args: readonly { readonly j: number; readonly value: (values: Values) => F64 }[];
  readonly out: (Float64Array | undefined)[];
  /** d score / d arg_j per row at z (the score d l / dz), where known: the marginal's mixed derivatives in closed form. */
  readonly score?: (z: Float64Array, values: Values, j: number, out: Float64Array) => void;
}

/** An expression that may read parameters: evaluated once when it does not. */
export function cached(e: IrExpr, ir: ModelIR): (values: Values) => F64 {
  if (dependsOnParams(e)) return (values) => evalExpr(e, values, ir.data);
  const v = evalExpr(e, [], ir.data);
  return () => v;
}

export const at = (x: F64, r: number): number => (typeof x === 'number' ? x : x[r]);

/**
 * One source of curvature in x: "rows" r with a scalar z_r = offset + sum_t a_tr x_t (a likelihood's
 * predictor per data row, or a Normal prior's x_e - mean per element) and a weight w_r = -d^2 term / dz^2,
 * so the block adds sum_r w_r a_r a_r' (a GLM's Z'WZ; a prior's precision).
 */
export class Block {
  /**
   * For each pair of terms t <= s that meets in the matrix: the rows where it does, their slots, and the
   * multiplicity (2 where t < s hit one coordinate: the (t, s) and (s, t) terms of one diagonal entry).
   */
  pairs: Pair[] = [];
  private readonly offset: (values: Values) => F64;
  private readonly coefs: ((values: Values) => F64)[];
  private readonly w: Float64Array;
  private readonly dw: Float64Array;
  private readonly z: Float64Array;

  /** Where each term's parameter starts in theta. */
  private readonly readOffsets: Int32Array;
  /** Whether z's offset and coefficients are free of parameters (data and constants): z is then linear in the terms' parameters. */
  readonly linearZ: boolean;
  /** The parameters z's offset and coefficients read (a non-centred block's sd and correlations). */
  readonly zReads: ReadonlySet<number>;

  constructor(
    readonly rows: number,
    /** Matrix index of each term per row (-1: not a requested coordinate, or a contrast's reference level). */
    readonly index: readonly Int32Array[],
    /** The parameter and its element per row that each term reads (element -1: none). */
    readonly reads: readonly { param: number; element: Int32Array }[],
    affine: Affine, ir: ModelIR,
    private readonly curvature: BlockCurvature,
    /** The parameters the weights read other than through z (a likelihood's other arguments; a prior's scale). */
    readonly weightParams: readonly number[],
    /** Where the weights' slopes in those parameters come in closed form (every argument that reads one has them). */
    private readonly weightSlopes?: WeightSlopes,
  ) {
    this.readOffsets = Int32Array.from(reads, (r) => ir.params[r.param].offset);
    this.linearZ = !dependsOnParams(affine.offset) && affine.terms.every((t) => !dependsOnParams(t.coef));
    this.zReads = new Set([...paramsOf(affine.offset), ...affine.terms.flatMap((t) => [...paramsOf(t.coef)])]);
    this.offset = cached(affine.offset, ir);
    this.coefs = affine.terms.map((t) => cached(t.coef, ir));
    this.w = new Float64Array(rows);
    this.dw = new Float64Array(rows);
    this.z = new Float64Array(rows);
  }

  /** Coefficients, then z, w and dw at the values (and the weights' slopes, if asked): all that a pass over the rows needs. */
  prepare(values: Values, slopes?: ArgSlopes): { coef: F64[]; w: Float64Array; dw: Float64Array } {
    const coef = this.zAt(values);
    this.curvature(this.z, values, this.w, this.dw, slopes);
    return { coef, w: this.w, dw: this.dw };
  }

  /** The coefficients at the values, with z written into this.z. */
  private zAt(values: Values): F64[] {
    const coef = this.coefs.map((c) => c(values));
    const { z } = this;
    const off = this.offset(values);
    for (let r = 0; r < this.rows; r++) z[r] = at(off, r);
    this.reads.forEach(({ param, element }, t) => {
      const v = values[param];
      const c = coef[t];
      for (let r = 0; r < this.rows; r++) {
        const e = element[r];
        if (e >= 0) z[r] += at(c, r) * v[e];
      }
    });
    return coef;
  }

  /** Whether addMixed can give this block's share of d(grad_x log p)/d theta_c for the weights' parameters. */
  get mixedInClosedForm(): boolean {
    return this.linearZ && this.weightSlopes?.score !== undefined;
  }

  /**
   * Adds sum_r a_r d score_r / d theta_c (the score dl/dz_r, a_r the row's coefficients of x) to columns[c]
   * for each coordinate c of the weights' parameters that `columns` asks for: the score's slope in each
   * argument in closed form, the argument's in theta by a difference of its value alone. Only where
   * mixedInClosedForm (z free of parameters).
   */
  addMixed(ir: ModelIR, theta: Float64Array, values: Values, columns: ReadonlyMap<number, Float64Array>): void {
    const slopes = this.weightSlopes!;
    const coef = this.zAt(values);
    const scores = new Map(slopes.args.map(({ j }) => {
      const out = new Float64Array(this.rows);
      slopes.score!(this.z, values, j, out);
      return [j, out];
    }));
    const m = new Float64Array(this.rows);
    for (const q of this.weightParams) {
      const { offset, size } = ir.params[q];
      for (let c = offset; c < offset + size; c++) {
        const column = columns.get(c);
        if (!column) continue;
        const h = WEIGHT_STEP * Math.max(1, Math.abs(theta[c]));
        const [plus, minus] = [h, -h].map((d) => valuesShifted(ir, theta, c, d));
        m.fill(0);
        for (const { j, value } of slopes.args) {
          const [ap, am] = [value(plus), value(minus)];
          const ds = scores.get(j)!;
          for (let r = 0; r < this.rows; r++) m[r] += ds[r] * ((at(ap, r) - at(am, r)) / (2 * h));
        }
        this.index.forEach((index, t) => {
          const ct = coef[t];
          for (let r = 0; r < this.rows; r++) if (index[r] >= 0) column[index[r]] += at(ct, r) * m[r];
        });
      }
    }
  }

  /**
   * d(dw)/dz per row at the last prepared z (the curvature's second slope), by a central difference of dw
   * with a step of 1e-4 of z's size: no curvature carries fourth derivatives, and this one feeds a part of
   * the outer Hessian that is itself a thousandth of it (log det H's), where a relative error of 1e-8 is
   * nothing.
   */
  dwSlope(values: Values): Float64Array {
    const n = this.rows;
    const [step, plus, minus, w, dwp, dwm] = Array.from({ length: 6 }, () => new Float64Array(n));
    for (let r = 0; r < n; r++) {
      step[r] = SLOPE_STEP * Math.max(1, Math.abs(this.z[r]));
      plus[r] = this.z[r] + step[r];
      minus[r] = this.z[r] - step[r];
    }
    this.curvature(plus, values, w, dwp);
    this.curvature(minus, values, w, dwm);
    for (let r = 0; r < n; r++) dwp[r] = (dwp[r] - dwm[r]) / (2 * step[r]);
    return dwp;
  }

  /**
   * dz_r along a direction in theta (z linear in the parameters it reads: linearZ blocks), per row: the sum
   * of each term's coefficient times the direction's entry for the element the row reads.
   */
  zAlong(coef: readonly F64[], direction: Float64Array, out: Float64Array): void {
    out.fill(0);
    for (let t = 0; t < this.reads.length; t++) {
      const { element } = this.reads[t];
      const offset = this.readOffsets[t];
      const c = coef[t];
      for (let r = 0; r < this.rows; r++) {
        const e = element[r];
        if (e >= 0) out[r] += at(c, r) * direction[offset + e];
      }
    }
  }

  /**
   * Adds sum_r c_r A_r A_r' into M (dim x dim, row-major), A_r the row's coefficients over theta (each
   * term's at the element it reads): with z linear in theta, dz_r along D is A_r . D.
   */
  addWeightedOuter(coef: readonly F64[], c: Float64Array, M: Float64Array, dim: number): void {
    const T = this.reads.length;
    for (let t = 0; t < T; t++) {
      const et = this.reads[t].element;
      const ct = coef[t];
      const ot = this.readOffsets[t];
      for (let s = 0; s < T; s++) {
        const es = this.reads[s].element;
        const cs = coef[s];
        const os = this.readOffsets[s];
        for (let r = 0; r < this.rows; r++) {
          if (et[r] < 0 || es[r] < 0) continue;
          M[(ot + et[r]) * dim + os + es[r]] += c[r] * at(ct, r) * at(cs, r);
        }
      }
    }
  }

  /**
   * Adds this block's share of d log det H / dx = sum_r w'_r lev_r a_r (lev_r = a_r' H^-1 a_r) into out,
   * indexed as H's coordinates.
   */
  addLogDetGradientX(coef: readonly F64[], dw: Float64Array, leverage: Float64Array, out: Float64Array): void {
    this.index.forEach((index, t) => {
      const ct = coef[t];
      for (let r = 0; r < this.rows; r++) {
        const d = index[r];
        if (d >= 0) out[d] += dw[r] * at(ct, r) * leverage[r];
      }
    });
  }

  /** a_r' Z a_r per row: the row's leverage, from H^-1 on the row's own pairs (in the pattern). */
  leverage(coef: readonly F64[], inverse: Float64Array): Float64Array {
    const leverage = new Float64Array(this.rows);
    for (const { t, s, rows, slots } of this.pairs) {
      const ct = coef[t];
      const cs = coef[s];
      // a' Z a counts an off-diagonal pair of terms twice (Z is symmetric), a term with itself once.
      const m = t < s ? 2 : 1;
      for (let q = 0; q < rows.length; q++) {
        const r = rows[q];
        leverage[r] += m * at(ct, r) * at(cs, r) * inverse[slots[q]];
      }
    }
    return leverage;
  }

  /**
   * Adds this block's share of d log det H / d theta for every theta coordinate: through z (dw/dz times
   * the coefficient, for the field's coordinates and the fixed effects outside it alike; linearZ blocks
   * only), and through the weights' other parameters: their closed-form slopes times each argument's
   * difference in theta where the curvature has them (weightSlopes), else central differences of the
   * weights at fixed z.
   */
  addThetaLogDetGradient(ir: ModelIR, theta: Float64Array, values: Values, inverse: Float64Array, out: Float64Array): void {
    const slopes = this.weightSlopes;
    const { coef, dw } = this.prepare(values, slopes?.out);
    const leverage = this.leverage(coef, inverse);
    if (dw.some((v) => v !== 0)) {
      this.reads.forEach(({ param, element }, t) => {
        const ct = coef[t];
        const offset = ir.params[param].offset;
        for (let r = 0; r < this.rows; r++) {
          const e = element[r];
          if (e >= 0) out[offset + e] += dw[r] * at(ct, r) * leverage[r];
        }
      });
    }
    if (this.weightParams.length === 0) return;
    const z = Float64Array.from(this.z);
    const [wp, wm, scratch] = slopes ? [] : [new Float64Array(this.rows), new Float64Array(this.rows), new Float64Array(this.rows)];
    for (const q of this.weightParams) {
      const { offset, size } = ir.params[q];
      for (let c = offset; c < offset + size; c++) {
        const h = WEIGHT_STEP * Math.max(1, Math.abs(theta[c]));
        const [plus, minus] = [h, -h].map((d) => valuesShifted(ir, theta, c, d));
        let sum = 0;
        if (slopes) {
          // dw/dtheta_c = sum_j dw/d arg_j d arg_j/dtheta_c: the arguments differenced, not the rows' weights.
          for (const { j, value } of slopes.args) {
            const [ap, am] = [value(plus), value(minus)];
            const dwj = slopes.out[j]!;
            for (let r = 0; r < this.rows; r++) sum += dwj[r] * ((at(ap, r) - at(am, r)) / (2 * h)) * leverage[r];
          }
        } else {
          this.curvature(z, plus, wp!, scratch!);
          this.curvature(z, minus, wm!, scratch!);
          for (let r = 0; r < this.rows; r++) sum += ((wp![r] - wm![r]) / (2 * h)) * leverage[r];
        }
        out[c] += sum;
      }
    }
  }
}

/** The parameter values at theta with coordinate c moved by d. */
function valuesShifted(ir: ModelIR, theta: Float64Array, c: number, d: number): Values {
  const t = Float64Array.from(theta);
  t[c] += d;
  return splitValues(ir, constrainTheta(ir, t));
}

/** Relative step of dwSlope's central difference in z. */
const SLOPE_STEP = 1e-4;

/** Step of the weights' differences in their parameters (unconstrained: a log sd, a log dispersion). */
const WEIGHT_STEP = 1e-5;

interface Pair {
  readonly t: number;
  readonly s: number;
  readonly rows: Int32Array;
  readonly slots: Int32Array;
  readonly mult: Float64Array;
}
