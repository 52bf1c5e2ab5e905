import type { F64 } from '../../distributions/f64_ops.js';
import type { IrLikelihood } from '../ir.js';
import { constantJet, jetOps, seedJet, type Jet } from '../../distributions/jet_ops.js';
import { NORMAL_STATS } from '../reduce/forms.js';
import type { ArgSlopes } from '../../distributions/catalog.js';

/**
 * A likelihood's curvature in its linear predictor z, per row: w = -d2 l / dz2 and dw/dz (the third
 * derivative, for d log det H / dx). `args` are the other arguments' values (z's own slot is ignored).
 */
export type Curvature = (z: Float64Array, y: Float64Array, args: readonly F64[], w: Float64Array, dw: Float64Array, slopes?: ArgSlopes) => void;

/**
 * A closed-form curvature, with the arguments j (other than z's) whose slope dw / d args[j] it writes
 * into slopes[j] when asked: d log det H / d(a dispersion, a residual sd) then needs no second and third
 * pass over the rows at shifted weights (Block.addThetaLogDetGradient).
 */
export type ClosedCurvature = Curvature & { readonly slopes?: readonly number[]; readonly scoreSlope?: ScoreSlope };

/** d/d args[j] of the score dl/dz per row (j one of the curvature's `slopes`): the marginal's mixed derivative in that argument. */
export type ScoreSlope = (z: Float64Array, y: Float64Array, args: readonly F64[], j: number, out: Float64Array) => void;

/** `fn` (a fresh function: a form's own is not written to) with the arguments whose slopes it writes, and the score's. */
const withSlopes = (fn: Curvature, slopes: readonly number[], scoreSlope?: ScoreSlope): ClosedCurvature =>
  Object.assign(((...a) => fn(...a)) as Curvature, { slopes, ...(scoreSlope ? { scoreSlope } : {}) });

const at = (x: F64, r: number): number => (typeof x === 'number' ? x : x[r]);

/**
 * Closed forms for the GLM families the formulas produce (one tight loop each: the Hessian is assembled
 * at every Newton step and twice per outer coordinate of every marginal gradient); every other kernel
 * goes through third-order Taylor jets (jet_ops.ts), the same numbers more slowly. The test compares both
 * with differences of the gradient.
 */
function closedForm(lik: IrLikelihood, k: number): ClosedCurvature | undefined {
  const form = lik.dist.forms.indexOf(lik.form);
  const name = lik.dist === NORMAL_STATS ? 'NormalStats' : lik.dist.name;
  if (name === 'Poisson' && form === 0 && k === 0) {
    return (z, _y, _a, w, dw) => {
      for (let r = 0; r < z.length; r++) w[r] = dw[r] = Math.exp(z[r]);
    };
  }
  if ((name === 'Bernoulli' && form === 0 && k === 0) || (name === 'Binomial' && form === 0 && k === 1)) {
    const trials = name === 'Binomial' ? 0 : -1;
    return (z, _y, a, w, dw) => {
      for (let r = 0; r < z.length; r++) {
        const s = z[r] >= 0 ? 1 / (1 + Math.exp(-z[r])) : Math.exp(z[r]) / (1 + Math.exp(z[r]));
        const n = trials < 0 ? 1 : at(a[trials], r);
        w[r] = n * s * (1 - s);
        dw[r] = w[r] * (1 - 2 * s);
      }
    };
  }
  // LogNormal(mu, sigma) is Normal in mu (of log y): the same curvature, constant in x.
  if (((name === 'Normal' || name === 'LogNormal') && form === 0 && k === 0) || (name === 'NormalStats' && k === 0)) {
    const count = name === 'NormalStats' ? 2 : -1;
    // The score (y - n z) / s^2 (y the cell's sum for NormalStats; log y's is not at hand for LogNormal):
    // d/ds = -2 score / s.
    const score: ScoreSlope | undefined = name === 'LogNormal' ? undefined : (z, y, a, _j, out) => {
      for (let r = 0; r < z.length; r++) {
        const s = at(a[1], r);
        out[r] = (-2 * (y[r] - (count < 0 ? 1 : at(a[count], r)) * z[r])) / (s * s * s);
      }
    };
    // w = n / s^2: dw/ds = -2 w / s.
    return withSlopes((z, _y, a, w, dw, slopes) => {
      const ds = slopes?.[1];
      for (let r = 0; r < z.length; r++) {
        const s = at(a[1], r);
        w[r] = (count < 0 ? 1 : at(a[count], r)) / (s * s);
        dw[r] = 0;
        if (ds) ds[r] = (-2 * w[r]) / s;
      }
    }, [1], score);
  }
  if (k === 0 && lik.form.curvature) return withSlopes(lik.form.curvature, lik.form.curvatureSlopes ?? [], lik.form.scoreSlope);
  if (name === 'NegativeBinomial' && form === 0 && k === 0) {
    // l = y z - (y + phi) log(e^z + phi) + ...: w = (y + phi) mu phi / (mu + phi)^2, dw/dz = w (phi - mu) / (mu + phi),
    // dw/dphi = mu (mu y + 2 mu phi - phi y) / (mu + phi)^3.
    return withSlopes((z, y, a, w, dw, slopes) => {
      const dphi = slopes?.[1];
      for (let r = 0; r < z.length; r++) {
        const mu = Math.exp(z[r]);
        const phi = at(a[1], r);
        const d = mu + phi;
        w[r] = ((y[r] + phi) * mu * phi) / (d * d);
        dw[r] = (w[r] * (phi - mu)) / d;
        if (dphi) dphi[r] = (mu * (mu * y[r] + 2 * mu * phi - phi * y[r])) / (d * d * d);
      }
    }, [1], (z, y, a, _j, out) => {
      // The score y - (y + phi) mu / (mu + phi): d/dphi = mu (y - mu) / (mu + phi)^2.
      for (let r = 0; r < z.length; r++) {
        const mu = Math.exp(z[r]);
        const d = mu + at(a[1], r);
        out[r] = (mu * (y[r] - mu)) / (d * d);
      }
    });
  }
  return undefined;
}

/** A Gaussian likelihood in its mean: its curvature does not depend on z (nor, then, H on x). */
export function isGaussianIn(lik: IrLikelihood, k: number): boolean {
  const form = lik.dist.forms.indexOf(lik.form);
  return k === 0 && (lik.dist === NORMAL_STATS || ((lik.dist.name === 'Normal' || lik.dist.name === 'LogNormal') && form === 0));
}

/** Whether curvatureOf has a closed form for the likelihood in argument k (else it differentiates by jets, which may not know the kernel). */
export function hasClosedCurvature(lik: IrLikelihood, k: number): boolean {
  return closedForm(lik, k) !== undefined;
}

/** The curvature of a likelihood in its argument k: a closed form where there is one, else Taylor jets of its kernel. */
export function curvatureOf(lik: IrLikelihood, k: number): ClosedCurvature {
  const fast = closedForm(lik, k);
  if (fast) return fast;
  return (z, y, args, w, dw) => {
    const jets: Jet[] = args.map((a, j) => (j === k ? seedJet(z) : constantJet(a)));
    const jet = lik.form.kernel(jetOps, constantJet(y), jets);
    const [, d2, d3] = jet.d ?? [0, 0, 0];
    for (let r = 0; r < z.length; r++) {
      w[r] = -at(d2, r);
      dw[r] = -at(d3, r);
    }
  };
}
