import type { Span } from '../core/errors.js';
import type { Transform } from '../bijectors/transforms.js';
import type { DistSpec, Form } from '../distributions/catalog.js';
import type { LatentKind } from './latent/recognise.js';
/** Arithmetic in the IR (formula operators are expanded before lowering). */
export type BinaryOp = '+' | '-' | '*' | '/';

/** Functions an expression may call; each maps a value elementwise. */
export const FUNCTIONS = ['exp', 'log', 'log1p', 'inv_logit', 'sqrt'] as const;
export type Fn = (typeof FUNCTIONS)[number];

/**
 * A checked expression. Names are resolved (local definitions inlined), shapes are known:
 * an expression is a scalar or has one value per data row.
 */
export type IrExpr =
  | { readonly op: 'const'; readonly value: number }
  /** A numeric data column (one value per row), or a data-only expression precomputed on the host. */
  | { readonly op: 'data'; readonly column: string }
  | { readonly op: 'param'; readonly param: number }
  /** One element of a vector parameter, addressed by its factor level's label. */
  | { readonly op: 'level'; readonly param: number; readonly label: string; readonly level: number; readonly span: Span }
  /** A vector parameter indexed by the factor column it is declared over: one value per row. */
  | { readonly op: 'gather'; readonly param: number; readonly factor: string }
  | { readonly op: 'neg'; readonly arg: IrExpr }
  | { readonly op: 'call'; readonly fn: Fn; readonly arg: IrExpr }
  | { readonly op: 'bin'; readonly o: BinaryOp; readonly a: IrExpr; readonly b: IrExpr };

export interface IrParam {
  readonly name: string;
  /** The factor a vector parameter is indexed by; its levels are filled in when data is bound. */
  readonly factor?: string;
  readonly levels?: readonly string[];
  /** Summary names of the elements when they are not `name[level]` (lme4's `cell_groupB : PBMC : diseased`). */
  readonly elementNames?: readonly string[];
  readonly size: number;
  /** Position of the first element in theta. */
  readonly offset: number;
  readonly transform: Transform;
  readonly span: Span;
  /**
   * A latent Gaussian vector (random effects): indexed by a factor, its only density term a Normal
   * with mean 0 and a scale that may depend on other parameters. The marginal Laplace engine
   * integrates these out; lme4 calls them the random effects.
   */
  readonly latent?: boolean;
  /** How the random effects are written (`ppl check` lists them); set with `latent`. */
  readonly latentKind?: LatentKind;
  /**
   * A fixed effect of the latent Gaussian field: a Normal or flat prior, and it enters every likelihood
   * linearly. Nested Laplace and REML integrate these out with the random effects; ML keeps them outside.
   */
  readonly linear?: boolean;
  /**
   * A formula's random effects: the block (one `(terms | g)`) they belong to, their term, and the parameters
   * of their scale, of the fixed effect the predictor adds to them (lme4's `1 + x + (1 + x | g)`), and of the
   * block's correlation. latent/hierarchy.ts turns these into the hierarchies a sampler may reparametrise.
   */
  readonly block?: { readonly key: string; readonly term: number; readonly scale: number; readonly location?: number; readonly correlation?: number };
  /**
   * Treatment coding written in block form, `b[trt, ref = "B"]`: the user's factor and its reference level,
   * whose coefficient is 0. `factor` is then a derived column over the other levels (the reference coded
   * -1, which gathers 0), and `b[trt]` reads it.
   */
  readonly reference?: { readonly factor: string; readonly level: string };
}

/** A density term on a parameter (its prior, or a `u ~ ...` statement in the model block). */
export interface IrPrior {
  readonly param: number;
  readonly dist: DistSpec;
  readonly form: Form;
  /** Scalar expressions (they may involve other parameters). */
  readonly args: readonly IrExpr[];
}

/** A density term on a data column, one factor per row. */
export interface IrLikelihood {
  readonly column: string;
  readonly dist: DistSpec;
  readonly form: Form;
  readonly args: readonly IrExpr[];
  readonly span: Span;
  /**
   * A reduced count likelihood whose offsets live inside its form (negative binomial cells): the log of
   * each cell's summed exposure, so that a cell's mean is exp(args[0] + exposure). Read only for starting
   * values (count_start.ts); the density does not use it.
   */
  readonly exposure?: IrExpr;
  /**
   * A reduced negative binomial's per-cell sums for the method-of-moments start of its dispersion
   * (count_start.ts): sum y^2, sum y w and sum w^2 over each cell's rows, w_i = e^(o_i) / sum_j e^(o_j)
   * (row i's share of the cell's mean). Row-wise, they are y^2, y and 1. Read only for starting values.
   */
  readonly moments?: { readonly y2: IrExpr; readonly yw: IrExpr; readonly w2: IrExpr };
}

export interface IrGenerated {
  readonly name: string;
  readonly expr: IrExpr;
  /**
   * Made by the compiler, not written by the user: a correlated random effect on the data scale
   * (`g[level, term]` from the standardised z). Summarised with the parameters, not listed as a contrast.
   */
  readonly derived?: boolean;
  /** A correlation (in [-1, 1]): an interval from its SE is taken on Fisher's atanh scale, so that it stays inside. */
  readonly correlation?: boolean;
  /** One element of a quantity with one value per row (`mu[12]`) or per level of a factor (`fitted[1990]`): its written name and factor. */
  readonly vector?: { readonly name: string; readonly over?: string };
}

export interface IrData {
  readonly file: string;
  readonly nRows: number;
  /** Numeric columns and host-precomputed data-only expressions, float64. */
  readonly numeric: ReadonlyMap<string, Float64Array>;
  /**
   * Factor columns: level labels and a 0-based code per row. Columns the formula expander derives
   * (treatment contrasts) use -1 for the reference level, which indexes to 0.
   */
  readonly factors: ReadonlyMap<string, { readonly levels: readonly string[]; readonly codes: Int32Array }>;
}

/** The model, checked and bound to data: everything an emitter needs, nothing of the syntax. */
export interface ModelIR {
  readonly file: string;
  /** Decisions the compiler took that the user should hear of (printed as `note:` lines). */
  readonly notes?: readonly string[];
  readonly params: readonly IrParam[];
  readonly dim: number;
  readonly priors: readonly IrPrior[];
  readonly likelihoods: readonly IrLikelihood[];
  readonly generated: readonly IrGenerated[];
  readonly data: IrData;
  /**
   * Set when the likelihood was reduced to per-cell sums: the data it summarises, and the constant
   * that makes the reduced value plus it equal the row-wise normalised log density.
   */
  readonly reduction?: { readonly rows: number; readonly cells: number; readonly constant: number };
  /**
   * Maximum likelihood: priors on everything but the latent vectors are dropped, and so are the
   * log-Jacobians (a likelihood does not change with the parameterisation).
   */
  readonly ml?: boolean;
  /** REML: with `ml`, the linear fixed effects are integrated out too (a flat prior), as lme4's default for Gaussian models. */
  readonly reml?: boolean;
}

export function isRowwise(e: IrExpr): boolean {
  switch (e.op) {
    case 'data':
    case 'gather':
      return true;
    case 'const':
    case 'param':
    case 'level':
      return false;
    case 'neg':
    case 'call':
      return isRowwise(e.arg);
    case 'bin':
      return isRowwise(e.a) || isRowwise(e.b);
  }
}

export function dependsOnParams(e: IrExpr): boolean {
  switch (e.op) {
    case 'const':
    case 'data':
      return false;
    case 'param':
    case 'level':
    case 'gather':
      return true;
    case 'neg':
    case 'call':
      return dependsOnParams(e.arg);
    case 'bin':
      return dependsOnParams(e.a) || dependsOnParams(e.b);
  }
}

/** Parameters an expression reads (for cycle and truncation checks). */
export function paramsOf(e: IrExpr, out: Set<number> = new Set()): Set<number> {
  switch (e.op) {
    case 'param':
    case 'level':
    case 'gather':
      out.add(e.param);
      break;
    case 'neg':
    case 'call':
      paramsOf(e.arg, out);
      break;
    case 'bin':
      paramsOf(e.a, out);
      paramsOf(e.b, out);
      break;
    default:
  }
  return out;
}
