import { describeField, type FieldDescription, type RandomBlock } from '../compiler/latent/describe.js';
import { priorOf } from '../compiler/prior_text.js';
import type { ReductionReport } from '../compiler/reduce/reduce.js';
import type { Model, ParamInfo } from './compile.js';

export type { FieldDescription, RandomBlock, ReductionReport };

/** One parameter as `ppl check` lists it. */
export interface ParameterDescription extends ParamInfo {
  /** The labels of the factor's levels, one per element, when a factor indexes it. */
  readonly levels?: readonly string[];
  /** A random-effect vector: part of the latent field that nested Laplace and --ml integrate out. */
  readonly randomEffects: boolean;
  /** Its prior as the model (or a formula's defaults) writes it, `Normal(0, sd_u)`; `flat` when none. */
  readonly prior: string;
}

/** A likelihood term as the model writes it (row-wise), whatever the reduction made of it. */
export interface LikelihoodDescription {
  readonly column: string;
  /** The distribution's name, `Poisson`. */
  readonly family: string;
}

/** A factor column of the data: its level labels and a 0-based code per row. */
export interface FactorColumn {
  readonly levels: readonly string[];
  readonly codes: Int32Array;
}

/**
 * A compiled model described as plain data: what `ppl check` prints, and what the CLI's other
 * commands need to know of a model (its size, its factors, whether it is a likelihood fit) without
 * reading the compiler's IR.
 */
export interface ModelDescription {
  readonly file: string;
  /** The data file the model was bound to; '' when it reads none. */
  readonly dataFile: string;
  readonly rows: number;
  /** Scalars of all parameters: the dimension the engines work in. */
  readonly dim: number;
  /** Likelihood terms the engines evaluate: the cells when the likelihood was reduced, else the rows. */
  readonly terms: number;
  /** Maximum likelihood (--ml, --reml): priors dropped but the random effects'. */
  readonly ml: boolean;
  /** In the order of Model.params. */
  readonly parameters: readonly ParameterDescription[];
  readonly likelihoods: readonly LikelihoodDescription[];
  readonly reduction: ReductionReport;
  /**
   * The generated quantities the model declares (not those the compiler derives, such as correlated effects
   * on the data scale), as written: one with a value per level or per row once, `fitted[year]`, `mu[row]`.
   */
  readonly generated: readonly string[];
  /** The latent Gaussian field: random-effect blocks, linear fixed effects and hyperparameters. */
  readonly field: FieldDescription;
  /** Every factor column the data declares, by name. */
  readonly factors: ReadonlyMap<string, FactorColumn>;
}

export function describeModel(m: Model): ModelDescription {
  const { ir, rowwiseIr } = m;
  return {
    file: m.file,
    dataFile: ir.data.file,
    rows: m.nRows,
    dim: ir.dim,
    terms: ir.data.nRows,
    ml: ir.ml === true,
    parameters: m.params.map((p, i) => ({ ...p, levels: ir.params[i].levels, randomEffects: ir.params[i].latent === true, prior: priorOf(ir, i) })),
    // The row-wise terms: the reduced ones are sufficient statistics under other names.
    likelihoods: rowwiseIr.likelihoods.map((l) => ({ column: l.column, family: l.dist.name })),
    reduction: m.reduction,
    generated: [...new Set(ir.generated.filter((g) => !g.derived).map((g) => (g.vector ? `${g.vector.name}[${g.vector.over ?? 'row'}]` : g.name)))],
    field: describeField(ir),
    // The reduced data keeps only the factors the likelihood reads; the row-wise data has them all.
    factors: rowwiseIr.data.factors,
  };
}
