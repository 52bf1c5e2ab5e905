/** A value and gradient of the log density at one point of the unconstrained space. */
export interface ValueAndGrad {
  readonly value: number;
  readonly grad: Float64Array;
}

/**
 * The only thing an engine sees of a model (cf. NumPyro's potential_fn, DynamicPPL's LogDensityProblems).
 * theta is the unconstrained vector; the value includes the log-Jacobian of every bijector.
 * Values may omit terms that are constant in theta; `constant` says how much was dropped so that
 * `value + constant` is the fully normalised log density.
 */
export interface LogDensity {
  readonly dim: number;
  /** One name per coordinate of theta, e.g. `beta[T : R : diseased]`, `log(sigma_patient)`. */
  readonly thetaNames: readonly string[];
  /** One name per constrained scalar, in the same order as theta, e.g. `sigma_patient`. */
  readonly names: readonly string[];
  /**
   * theta coordinates of latent Gaussian vectors (random effects), for engines that integrate them
   * out (marginal Laplace); empty when the model has none.
   */
  readonly latent: readonly number[];
  /**
   * theta coordinates of the fixed effects of the latent Gaussian field (a Normal or flat prior, entering
   * every likelihood linearly): nested Laplace and REML integrate them out with `latent`, ML does not.
   */
  readonly linear?: readonly number[];
  /**
   * The exact negative Hessian of the log density in some of the `latent` and `linear` coordinates, on a
   * sparse pattern fixed once; undefined when the model's structure does not give it (the engine then
   * differences gradients).
   */
  latentHessian?(coords: readonly number[]): LatentHessian | undefined;
  /**
   * The model's hierarchies (random-effect blocks with their scales, locations and correlation), for
   * samplers that choose between the centred and the non-centred parametrisation (reparam.ts). Absent
   * or empty when the model has none the compiler can describe.
   */
  readonly hierarchies?: readonly Hierarchy[];
  /**
   * The fixed effects (linear coordinates) whose model-matrix column is a combination of earlier ones: a
   * rank-deficient design. Maximum likelihood holds them at 0, as lme4 drops them. Computed on request.
   */
  aliased?(): readonly Aliased[];
  /**
   * The fixed effects along which the likelihood is known to have a maximum (count likelihoods with a log
   * link and a column >= 0 with a positive count): maximum likelihood's separation probes skip them.
   * Computed on request.
   */
  boundedFixedEffects?(): readonly number[];
  /**
   * Starting values for fixed effects (theta coordinate -> value) where the compiler knows a closed-form
   * guess: a count model's Poisson GLM fit with the random effects at 0 (compiler/latent/count_start.ts).
   */
  countStart?(): ReadonlyMap<number, number> | undefined;
  /** Terms dropped from `value` because they do not depend on theta (e.g. -lgamma(y + 1)). */
  readonly constant: number;
  /**
   * The data rows (or reduced cells) one evaluation passes over: a cost hint for engines that budget
   * their work, by counts rather than by a clock, so that the same seed gives the same answer on any
   * machine and under any load.
   */
  readonly rows?: number;
  /**
   * Every likelihood is Normal with one scalar residual sd shared by all rows: a linear mixed model as
   * lmer fits it (maximum likelihood then reports lmer's standard errors; see run_ml.ts).
   */
  readonly oneResidualSd?: boolean;
  valueAndGrad(theta: Float64Array): ValueAndGrad;
  /**
   * The same, with the gradient written into `grad` (length dim) and the value returned: no allocation,
   * for samplers that call it hundreds of thousands of times. Optional; valueAndGrad is the fallback.
   */
  valueAndGradInto?(theta: Float64Array, grad: Float64Array): number;
  /** K points at once; implementations batch them into one evaluation where they can. */
  valueAndGradBatch(thetas: readonly Float64Array[]): ValueAndGrad[];
  /** Value only (cheaper where the implementation can skip the gradient). */
  valueBatch(thetas: readonly Float64Array[]): Float64Array;
  constrain(theta: Float64Array): Float64Array;
  unconstrain(values: Float64Array): Float64Array;
  /**
   * For a float32 density (tfjs): the same density in float64, slower but exact, for what float32
   * cannot resolve (finite-difference curvature along weakly identified ridges, the last Newton steps).
   */
  float64Twin?(): LogDensity;
  /**
   * Why the log density is not finite at theta, in the model's terms: which statement (and where in
   * the model file), at which data row, with which parameter values. Undefined when it is finite.
   * Engines only pass the text on; they know nothing of the model behind it.
   */
  explainNonFinite?(theta: Float64Array): string | undefined;
  /** Frees backend memory (tfjs tensors). */
  dispose(): void;
}

/**
 * One block of random effects in theta coordinates. Its canonical form is the group coefficients
 * m_j = loc + D L z_j for each level j, with D = diag(scales), L the Cholesky factor of the terms'
 * correlation matrix ([[1, 0], [r, sqrt(1 - r^2)]] for two terms) and z_j ~ Normal(0, I). The model
 * writes the effects as one of: z ('standardised'; a formula's correlated block), u = m - loc with the
 * location added in the linear predictor ('centred', `locationIn: 'predictor'`; a formula's `(1 | g)`),
 * or m with the location as its prior's mean ('centred', `locationIn: 'prior'`; `theta ~ Normal(mu, tau)`).
 */
export interface Hierarchy {
  /** theta coordinates of the effects as written: effects[k][j] for term k at level j. */
  readonly effects: readonly (readonly number[])[];
  readonly written: 'standardised' | 'centred';
  /** theta coordinate of each term's scale; the scale is exp(theta) (a lower bound of 0). */
  readonly scales: readonly number[];
  /** theta coordinate of each term's location (an unconstrained scalar), or -1 for none. */
  readonly locations: readonly number[];
  readonly locationIn: 'predictor' | 'prior';
  /** theta coordinate of the two terms' correlation (bounded to (-1, 1)), or -1 for none. */
  readonly correlation: number;
}

/** A fixed effect whose column equals sum_k weight_k times the column of coordinate k (none: a column of zeros). */
export interface Aliased {
  readonly coord: number;
  readonly of: readonly { readonly coord: number; readonly weight: number }[];
}

/** A symmetric sparse pattern: the lower triangle with the full diagonal, by columns, rows ascending. */
export interface SymmetricPattern {
  readonly n: number;
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
}

/** The negative Hessian of a log density in some coordinates, on a fixed sparse pattern. */
export interface LatentHessian {
  /** theta coordinates, in the order of the matrix's rows and columns. */
  readonly coords: readonly number[];
  readonly pattern: SymmetricPattern;
  /** -d^2 log p / dx dx' at theta (lower triangle, aligned with pattern.rowIdx). */
  values(theta: Float64Array): Float64Array;
  /**
   * d log det H / dx at theta, given H^-1 on the pattern (the selected inverse): the third derivatives of
   * the log density contracted with H^-1, exact where the compiler knows the structure.
   */
  logDetGradient?(theta: Float64Array, inverseOnPattern: Float64Array): Float64Array;
  /**
   * d log det H / d theta for every theta coordinate (the field's and the others': fixed effects outside
   * it, scales, dispersions), given H^-1 on the pattern: what the Laplace marginal's gradient needs for its
   * trace terms, in one pass. Present where the structure allows it (z linear in unconstrained parameters).
   */
  thetaLogDetGradient?(theta: Float64Array, inverseOnPattern: Float64Array): Float64Array;
  /**
   * The second derivatives of log det H along directions D_j in theta (a fixed effect outside the field
   * with its tangent dx-hat/db_j), x-hat's second-order move included: the Laplace marginal's
   * log-determinant part of its Hessian over those effects, given H^-1 on the pattern and a solve with H.
   * Present with thetaLogDetGradient; undefined for a field too large for H^-1 dense.
   */
  logDetHessian?(theta: Float64Array, inverseOnPattern: Float64Array, solve: (b: Float64Array) => Float64Array, directions: readonly Float64Array[]): Float64Array[] | undefined;
  /** True when H does not depend on x (every term Gaussian in x): a Newton step is then exact, and H is reused. */
  readonly constantInX?: boolean;
  /**
   * d(grad_x log p)/d theta_c (in the order of `coords`) for those of the `wanted` coordinates (scales,
   * dispersions) whose every term gives it in closed form; the others are left out of the map.
   */
  mixedColumns?(theta: Float64Array, wanted: readonly number[]): Map<number, Float64Array>;
}
