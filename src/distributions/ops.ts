/**
 * The arithmetic a log density is written in. Each distribution and bijector is written once
 * against this interface; the tfjs emitter instantiates it with tensors (float32, autodiff) and the
 * host evaluator with float64 numbers and arrays, so the two cannot drift apart.
 */
import type { RowTables, RowTables2 } from '../math/lazy_table.js';

export interface Ops<T> {
  c(x: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  exp(a: T): T;
  log(a: T): T;
  log1p(a: T): T;
  square(a: T): T;
  sqrt(a: T): T;
  /** log(1 + exp(a)), stable for large |a|. */
  softplus(a: T): T;
  /** 1 / (1 + exp(-a)). */
  sigmoid(a: T): T;
  lgamma(a: T): T;
  /**
   * log(Gamma(y + phi) / (Gamma(phi) phi^y)) of a count y (data) and phi > 0: a negative binomial's
   * normaliser, accurate where phi is large (lgamma(y + phi) - lgamma(phi) cancels there).
   */
  lgammaRatio(y: T, phi: T): T;
  /**
   * Row r's table at x (or at x[r]): one value per row of a reduced model's cells, each a smooth function
   * of one variable tabulated from the rows the cell holds (lazy_table.ts). Float64 evaluators only.
   */
  table(tables: RowTables, x: T): T;
  /** Row r's function of two variables at (a, b) (or a[r], b[r]). Float64 evaluators only. */
  table2(tables: RowTables2, a: T, b: T): T;
}
