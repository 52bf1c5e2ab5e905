/**
 * What an engine's settings (InferOptions.settings) take besides plain numbers: the sampler's defaults
 * and parametrisations; and the events InferHooks.onProgress receives (ProgressEvent: one of these, by kind).
 */
export { NUTS_DEFAULTS, PARAMETRISATIONS, type Parametrisation } from '../engines/nuts/options.js';
export type { ChainProgress, LaplaceProgress, ViProgress } from '../core/progress.js';
