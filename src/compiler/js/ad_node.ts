import type { F64 } from '../../distributions/f64_ops.js';

/** What produced a node; the backward pass switches on it once per node, never per element. */
export const Op = {
  leaf: 0,
  add: 1,
  sub: 2,
  mul: 3,
  div: 4,
  neg: 5,
  exp: 6,
  log: 7,
  log1p: 8,
  square: 9,
  sqrt: 10,
  softplus: 11,
  sigmoid: 12,
  lgamma: 13,
  /** out[i] = a[codes[i]]: a vector parameter spread over data rows by a factor. */
  gather: 14,
  /** out = a[index]: one element of a vector parameter. */
  pick: 15,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/**
 * One value on the tape. A scalar keeps its adjoint in `adj`, an array in `adjArr` (allocated on the
 * first contribution, so a node nothing flowed back into costs nothing). Every field is set in the
 * constructor so that V8 sees one object shape on every node.
 */
export class AdNode {
  adj = 0;
  adjArr: Float64Array | null = null;

  constructor(
    readonly op: OpCode,
    readonly value: F64,
    /** True when the value depends on theta; false for constants and data, which the backward pass skips. */
    readonly live: boolean,
    readonly a: AdNode | null = null,
    readonly b: AdNode | null = null,
    /** gather: the factor's code per row. */
    readonly codes: Int32Array | null = null,
    /** pick: the element read. */
    readonly index = 0,
  ) {}
}
