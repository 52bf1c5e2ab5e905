/**
 * What an engine's settings (InferOptions.settings) take besides plain numbers: the sampler's defaults
 * and parametrisations, and the events the progress callbacks receive (`progress` for MCMC,
 * `viProgress` for VI, `laplaceProgress` for the nested Laplace engine).
 */
export { NUTS_DEFAULTS, PARAMETRISATIONS, type Parametrisation } from '../engines/nuts/options.js';
export type { ChainProgress, LaplaceProgress, ViProgress } from '../core/progress.js';
