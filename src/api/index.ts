/** Glimmer's library API: the CLI is a thin layer over exactly these calls. */
export { compile, parseModel, type Model, type CompileOptions, type ParamInfo } from './compile.js';
export {
  describeModel, type ModelDescription, type ParameterDescription, type LikelihoodDescription, type FactorColumn,
  type FieldDescription, type RandomBlock, type ReductionReport,
} from './describe.js';
export { ENGINES, DEFAULT_SEED, DEFAULT_DRAWS, type Fit, type FitSummaryRow, type InferOptions, type EngineName,
  type EngineDiagnostics, type McmcDiagnostics, type MlDiagnostics, type NestedDiagnostics, type JointLaplaceDiagnostics, type ViDiagnostics, type PsisFigures } from './infer.js';
export { infer, Posterior } from './posterior.js';
export { diagnosticsOf } from '../engines/diagnostics.js';
export type { FitWarning, WarningCode, WarningData } from '../core/warning.js';
export { GlimmerError, InferenceError, renderDiagnostic, type Diagnostic, type Span } from './errors.js';
export type { LogDensity } from '../core/log_density.js';
export type { SummaryRow } from '../results/summary.js';
export { summaryCsv, drawsCsv, summaryTable } from '../results/format.js';
export { contrastsCsv, contrastsTable, type ContrastRow } from '../results/contrasts.js';
export { posteriorPredictiveCheck, columnGrouping, defaultPpcFactor, DEFAULT_PPC_DRAWS, type PpcOptions } from './ppc.js';
export { ppcTables, ppcCsv, type PpcResult, type PpcRow, type PpcStatistic, type Grouping } from '../results/ppc.js';
export { BACKENDS, type BackendName } from './backend_choice.js';
