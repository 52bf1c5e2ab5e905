import { cholesky } from '../../math/cholesky.js';
import { solveLower, solveLowerT } from '../../math/triangular.js';

/**
 * The coordinates psi the outer search runs in, phi = T psi: each coordinate in units of its conditional
 * sd (`scale`), and the fixed effects, where their profile curvature K = -d2F/db2 is known
 * (LaplaceMarginal.profileCurvature), whitened by it instead: psi_b = C' phi_b with C C' = K. The cell
 * groups of a gene share the patients' effects, so their estimates are correlated (the Schur complement
 * has off-diagonal terms of the size of its diagonal); scaled one by one, L-BFGS spent 60-75 iterations
 * on 20 of them where whitened it needs about 10.
 */
export class SearchMetric {
  private constructor(
    private readonly scale: Float64Array,
    /** Positions in phi of the whitened coordinates and the lower Cholesky factor C of their K. */
    private readonly block?: { readonly coords: readonly number[]; readonly C: Float64Array[] },
  ) {}

  /** The metric of `scale`, whitened on `profile` when its K is positive definite (else scaled only). */
  static of(scale: Float64Array, profile?: { readonly coords: readonly number[]; readonly matrix: Float64Array[] }): SearchMetric {
    if (!profile || profile.coords.length === 0) return new SearchMetric(scale);
    const { L: C, positiveDefinite } = cholesky(profile.matrix);
    const sound = positiveDefinite && C.every((row, i) => row[i] > 0 && row.every(Number.isFinite));
    return new SearchMetric(scale, sound ? { coords: profile.coords, C } : undefined);
  }

  toPhi(psi: Float64Array): Float64Array {
    const phi = Float64Array.from(psi, (v, j) => v * this.scale[j]);
    if (this.block) {
      const { coords, C } = this.block;
      const b = solveLowerT(C, Float64Array.from(coords, (j) => psi[j]));
      coords.forEach((j, k) => (phi[j] = b[k]));
    }
    return phi;
  }

  toPsi(phi: Float64Array): Float64Array {
    const psi = Float64Array.from(phi, (v, j) => v / this.scale[j]);
    if (this.block) {
      const { coords, C } = this.block;
      // psi_b = C' phi_b.
      coords.forEach((j, r) => {
        let s = 0;
        for (let k = r; k < coords.length; k++) s += C[k][r] * phi[coords[k]];
        psi[j] = s;
      });
    }
    return psi;
  }

  /** d/dpsi from d/dphi: T' g. */
  gradient(g: Float64Array): Float64Array {
    const out = Float64Array.from(g, (v, j) => v * this.scale[j]);
    if (this.block) {
      const { coords, C } = this.block;
      const b = solveLower(C, Float64Array.from(coords, (j) => g[j]));
      coords.forEach((j, k) => (out[j] = b[k]));
    }
    return out;
  }
}
