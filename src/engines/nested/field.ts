import type { LatentHessian, LogDensity } from '../../core/log_density.js';
import { analyseCholesky, type CholeskySymbolic } from '../../math/sparse/index.js';
import { sameValues } from '../../math/same_values.js';

/**
 * What is integrated out, and what is kept outside:
 * - `ml`: the random effects (lme4's u); the fixed effects and variance parameters are maximised.
 * - `reml`: the random effects and the linear fixed effects under a flat prior (Harville 1974: the
 *   restricted likelihood is the likelihood integrated over the fixed effects); variance parameters maximised.
 * - `posterior`: the whole latent Gaussian field (random and fixed effects with Normal or flat priors,
 *   INLA's latent field, Rue et al. 2009); the hyperparameters' posterior comes from the Laplace marginal.
 */
export type FieldMode = 'ml' | 'reml' | 'posterior';

/** theta split into the latent field x and the outer parameters phi, with x's Hessian and its symbolic factorisation. */
export interface Field {
  readonly ld: LogDensity;
  readonly mode: FieldMode;
  /** theta coordinates of x, in the Hessian's order. */
  readonly x: readonly number[];
  /** theta coordinates of phi. */
  readonly outer: readonly number[];
  readonly hessian: LatentHessian;
  readonly symbolic: CholeskySymbolic;
  /** True when the Hessian is the compiler's exact one; false when it is differenced from gradients. */
  readonly structured: boolean;
  /**
   * d(grad_x f)/dphi_j = -H(x, phi_j) for the fixed effects outside the field (under ML), from the
   * compiler's Hessian over x and them: one pass instead of two gradients per fixed effect.
   */
  readonly cross?: CrossBlock;
}

/** The cross block of the Hessian over (x, the fixed effects outside x), read off its pattern. */
export interface CrossBlock {
  readonly hessian: LatentHessian;
  /** Positions in phi of the fixed effects it covers. */
  readonly outer: readonly number[];
  /** Each cross entry: its slot in the values, its row of x (k) and its fixed effect (index into `outer`). */
  readonly slots: Int32Array;
  readonly xRows: Int32Array;
  readonly effects: Int32Array;
}

export function fieldCoordinates(ld: LogDensity, mode: FieldMode): number[] {
  const held = heldAtZero(ld, mode);
  const x = mode === 'ml' ? [...ld.latent] : [...ld.latent, ...(ld.linear ?? []).filter((c) => !held.has(c))];
  return x.sort((a, b) => a - b);
}

/**
 * Under ML and REML, the fixed effects of a rank-deficient design beyond its rank (ld.aliased): neither
 * integrated nor optimised but held at 0, as lme4 drops their columns. Priors identify them in the posterior.
 */
export function heldAtZero(ld: LogDensity, mode: FieldMode): Set<number> {
  return mode === 'posterior' ? new Set() : new Set((ld.aliased?.() ?? []).map((a) => a.coord));
}

/**
 * The field of a log density (x may be empty: a model without random effects, under ML). With `within`,
 * a field whose x this one's contains (the ML field inside the REML-shaped one the start fits), the
 * fill-reducing order is that field's with the extra coordinates (fixed effects, which read every row:
 * dense) appended to its dense tail, instead of a second minimum-degree pass (a second on InstEval).
 */
export function makeField(ld: LogDensity, mode: FieldMode, within?: Field): Field {
  const x = fieldCoordinates(ld, mode);
  const inX = new Set(x);
  const held = heldAtZero(ld, mode);
  const outer = Array.from({ length: ld.dim }, (_, i) => i).filter((i) => !inX.has(i) && !held.has(i));
  const exact = ld.latentHessian?.(x);
  const ordering = within && within.structured && exact ? extendOrdering(within, x) : undefined;
  const block = exact ? crossBlock(ld, x, outer) : undefined;
  const shared = exact && block ? withinCross(exact, block) : undefined;
  const hessian = shared?.hessian ?? exact ?? differencedHessian(ld, x);
  const cross = shared?.cross ?? block;
  return { ld, mode, x, outer, hessian, symbolic: analyseCholesky(hessian.pattern, { ordering }), structured: exact !== undefined, ...(cross ? { cross } : {}) };
}

/**
 * The field's H as the x block of the cross block's Hessian, which holds it (the same terms, over x and the
 * fixed effects): the inner solve's last H at x-hat is then taken at the theta where the marginal's
 * gradient asks for the cross block (crossColumns), and one pass over the cells serves both. The cross
 * block's values are remembered for the last theta (compared in full).
 */
function withinCross(own: LatentHessian, cross: CrossBlock): { hessian: LatentHessian; cross: CrossBlock } | undefined {
  const { colPtr, rowIdx } = own.pattern;
  const big = cross.hessian.pattern;
  const slot = new Int32Array(rowIdx.length);
  for (let j = 0; j < own.coords.length; j++) {
    for (let k = colPtr[j]; k < colPtr[j + 1]; k++) {
      let q = big.colPtr[j];
      while (q < big.colPtr[j + 1] && big.rowIdx[q] !== rowIdx[k]) q++;
      if (q === big.colPtr[j + 1]) return undefined;
      slot[k] = q;
    }
  }
  let lastTheta: Float64Array | undefined;
  let lastValues: Float64Array | undefined;
  const crossValues = (theta: Float64Array): Float64Array => {
    if (lastTheta && lastValues && sameValues(lastTheta, theta)) return lastValues;
    lastValues = cross.hessian.values(theta);
    lastTheta = Float64Array.from(theta);
    return lastValues;
  };
  const values = (theta: Float64Array): Float64Array => {
    const all = crossValues(theta);
    const out = new Float64Array(slot.length);
    for (let k = 0; k < slot.length; k++) out[k] = all[slot[k]];
    return out;
  };
  return { hessian: { ...own, values }, cross: { ...cross, hessian: { ...cross.hessian, values: crossValues } } };
}


function crossBlock(ld: LogDensity, x: readonly number[], outer: readonly number[]): CrossBlock | undefined {
  const linear = new Set(ld.linear ?? []);
  const effects = outer.flatMap((c, j) => (linear.has(c) ? [j] : []));
  if (effects.length === 0 || x.length === 0) return undefined;
  const hessian = ld.latentHessian?.([...x, ...effects.map((j) => outer[j])]);
  if (!hessian) return undefined;
  const { colPtr, rowIdx } = hessian.pattern;
  const [slots, xRows, which]: number[][] = [[], [], []];
  for (let k = 0; k < x.length; k++) {
    for (let q = colPtr[k]; q < colPtr[k + 1]; q++) {
      if (rowIdx[q] < x.length) continue;
      slots.push(q);
      xRows.push(k);
      which.push(rowIdx[q] - x.length);
    }
  }
  return { hessian, outer: effects, slots: Int32Array.from(slots), xRows: Int32Array.from(xRows), effects: Int32Array.from(which) };
}

function extendOrdering(inner: Field, x: readonly number[]): { perm: Int32Array; tail: number } | undefined {
  const position = new Map(x.map((c, k) => [c, k]));
  if (!inner.x.every((c) => position.has(c))) return undefined;
  const kept = new Set(inner.x);
  const head = Array.from(inner.symbolic.perm, (k) => position.get(inner.x[k])!);
  const extra = x.filter((c) => !kept.has(c)).map((c) => position.get(c)!);
  return { perm: Int32Array.from([...head, ...extra]), tail: inner.symbolic.denseTail + extra.length };
}

/**
 * The fallback for a model whose structure the compiler cannot differentiate: a dense Hessian from
 * central differences of exact gradients (2|x| gradients per evaluation; only for small fields).
 */
export function differencedHessian(ld: LogDensity, coords: readonly number[]): LatentHessian {
  const n = coords.length;
  const colPtr = new Int32Array(n + 1);
  const rowIdx: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) rowIdx.push(i);
    colPtr[j + 1] = rowIdx.length;
  }
  const pattern = { n, colPtr, rowIdx: Int32Array.from(rowIdx) };
  return {
    coords, pattern,
    values(theta: Float64Array): Float64Array {
      const cols = coords.map((c) => {
        const h = 1e-5 * Math.max(1, Math.abs(theta[c]));
        const [plus, minus] = [h, -h].map((d) => {
          const t = Float64Array.from(theta);
          t[c] += d;
          return t;
        });
        const [gp, gm] = ld.valueAndGradBatch([plus, minus]).map((r) => r.grad);
        return Float64Array.from(coords, (r) => -(gp[r] - gm[r]) / (2 * h));
      });
      const out = new Float64Array(pattern.rowIdx.length);
      for (let j = 0; j < n; j++) {
        for (let k = colPtr[j]; k < colPtr[j + 1]; k++) {
          const i = pattern.rowIdx[k];
          out[k] = 0.5 * (cols[j][i] + cols[i][j]);
        }
      }
      return out;
    },
  };
}

/** theta from phi and x (a coordinate in neither, held at zero, is 0). */
export function assemble(field: Field, phi: Float64Array, x: Float64Array): Float64Array {
  const theta = new Float64Array(field.ld.dim);
  const { outer, x: xs } = field;
  for (let k = 0; k < outer.length; k++) theta[outer[k]] = phi[k];
  for (let k = 0; k < xs.length; k++) theta[xs[k]] = x[k];
  return theta;
}

export function pick(v: Float64Array, coords: readonly number[]): Float64Array {
  const out = new Float64Array(coords.length);
  for (let k = 0; k < coords.length; k++) out[k] = v[coords[k]];
  return out;
}
