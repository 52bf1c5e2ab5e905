import type { PhasePoint } from './integrator.js';

/** A phase point whose four arrays are views on one buffer, made once; logp and H are set by the step that fills it. */
export class PooledPoint implements PhasePoint {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly v: Float64Array;
  readonly grad: Float64Array;
  logp = 0;
  H = 0;

  constructor(dim: number) {
    const buf = new Float64Array(4 * dim);
    this.q = buf.subarray(0, dim);
    this.p = buf.subarray(dim, 2 * dim);
    this.v = buf.subarray(2 * dim, 3 * dim);
    this.grad = buf.subarray(3 * dim);
  }
}

/**
 * The points and vectors of one NUTS transition, handed out in turn and all taken back when the next
 * transition starts (`reset`), then reused. A transition makes one point per leapfrog step and one
 * momentum sum per merge; on a small model V8's typed-array allocation (about a microsecond each, off
 * the heap, and the garbage it leaves) cost several times the gradient itself. Nothing taken may
 * outlive the transition: its result is copied out.
 */
export class PointPool {
  private dim = -1;
  private readonly points: PooledPoint[] = [];
  private nPoints = 0;
  private readonly vectors: Float64Array[] = [];
  private nVectors = 0;

  /** Takes everything back; a new dimension (another model in this thread) starts a new pool. */
  reset(dim: number): void {
    if (dim !== this.dim) {
      this.dim = dim;
      this.points.length = 0;
      this.vectors.length = 0;
    }
    this.nPoints = 0;
    this.nVectors = 0;
  }

  point(): PooledPoint {
    if (this.nPoints === this.points.length) this.points.push(new PooledPoint(this.dim));
    return this.points[this.nPoints++];
  }

  vector(): Float64Array {
    if (this.nVectors === this.vectors.length) this.vectors.push(new Float64Array(this.dim));
    return this.vectors[this.nVectors++];
  }
}
