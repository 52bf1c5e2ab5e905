import { GlimmerError } from '../core/errors.js';
import { parse } from '../language/parse.js';
import type { Program } from '../language/ast.js';
import { parseTable, type DataTable } from '../data/table.js';
import { columnSpecs, lowerProgram } from '../compiler/lower.js';
import type { ModelIR } from '../compiler/ir.js';
import { makeLogDensity, type BackendName, type TimedLogDensity } from './backend_choice.js';
import { reduceModel, type ReductionReport } from '../compiler/reduce/reduce.js';
import { toMaximumLikelihood } from '../compiler/latent.js';
import { uninformedParams } from '../compiler/improper.js';
import { describeTransform } from '../bijectors/transforms.js';
import { elementName } from '../compiler/layout.js';

export interface CompileOptions {
  /** The model's file name, used in error locations. */
  readonly fileName?: string;
  /** The data as CSV text (already gunzipped), and the name to report it by (a bare string is reported as 'data.csv'). */
  readonly data?: string | { readonly text: string; readonly file: string };
  /** Reduce the likelihood to per-cell sums where that is exact (default true; false keeps the row-wise graph). */
  readonly reduce?: boolean;
  /** Maximum likelihood (lme4's objective): drop all priors but the random effects' and all Jacobians. */
  readonly ml?: boolean;
  /** REML: maximum likelihood with the fixed effects integrated out as well (implies the likelihood of `ml`). */
  readonly reml?: boolean;
}

export interface ParamInfo {
  readonly name: string;
  readonly size: number;
  readonly constraint: string;
  /** The factor a vector parameter is indexed by. */
  readonly factor?: string;
  /** Treatment coding (`b[trt, ref = "B"]`): the reference level, whose coefficient is 0 and not among the parameter's. */
  readonly reference?: string;
}

/** A checked model bound to its data: describe it (describeModel), or make its log density for an engine. */
export interface Model {
  readonly file: string;
  readonly source: string;
  /**
   * The IR the engines run on: reduced to cells where exact, else row-wise. For the library's own
   * layers, not its users: describeModel (describe.ts) says what an application needs to know.
   * @internal
   */
  readonly ir: ModelIR;
  /**
   * The row-wise IR, always available (tests and benchmarks compare the two).
   * @internal
   */
  readonly rowwiseIr: ModelIR;
  readonly reduction: ReductionReport;
  readonly params: readonly ParamInfo[];
  readonly nRows: number;
  /** What the compiler decided that the user should hear of (a declared bound narrowed to its prior's support). */
  readonly notes: readonly string[];
  /** The log density for an engine: float64 JS or a tfjs graph, chosen by size and a short measurement ('auto'). */
  logDensity(options?: { readonly backend?: BackendName }): Promise<TimedLogDensity>;
}

/** Parses without data: syntax and the data path the model names. */
export function parseModel(source: string, fileName = 'model.glmm'): Program {
  const { program, diagnostics } = parse(source, fileName);
  if (!program || diagnostics.length > 0) throw new GlimmerError(diagnostics);
  return program;
}

const EMPTY = (file: string): DataTable => ({ file, nRows: 0, columns: new Map() });

/** Source + data -> a checked model. Every user mistake becomes a GlimmerError with located diagnostics. */
export function compile(source: string, options: CompileOptions = {}): Model {
  const file = options.fileName ?? 'model.glmm';
  const data = typeof options.data === 'string' ? { text: options.data, file: 'data.csv' } : options.data;
  const program = parseModel(source, file);
  const { specs, diagnostics } = columnSpecs(program);
  if (diagnostics.length > 0) throw new GlimmerError(diagnostics);
  let table = EMPTY(data?.file ?? '');
  if (specs.length > 0) {
    if (!data) {
      throw new GlimmerError([{ code: 'E402', message: 'the model declares data columns but no data was given', span: program.data?.span,
        hint: "name a file in the data block (data \"file.csv\" { ... }) or pass --data FILE" }]);
    }
    table = parseTable(data.text, data.file, specs);
  }
  return compileProgram(program, table, { ...options, fileName: file, source });
}

/**
 * A parsed program bound to a table already read: the one compile step that depends on the data. Many
 * fits of one model to different responses (ppl fit-genes) parse once and bind each response here.
 */
export function compileProgram(program: Program, table: DataTable, options: Omit<CompileOptions, 'data'> & { readonly source: string }): Model {
  const file = options.fileName ?? 'model.glmm';
  const { source } = options;
  const lowered = lowerProgram(program, table);
  const rowwiseIr = options.ml || options.reml ? { ...toMaximumLikelihood(lowered), ...(options.reml ? { reml: true } : {}) } : lowered;
  const uninformed = uninformedParams(rowwiseIr);
  if (uninformed.length > 0) throw new GlimmerError(uninformed);
  const { ir, report } = options.reduce === false
    ? { ir: rowwiseIr, report: { path: 'rowwise', rows: table.nRows, reason: 'reduction turned off' } as const }
    : reduceModel(rowwiseIr);
  if (ir.dim === 0) {
    throw new GlimmerError([{ code: 'E212', message: 'the model has no parameters', span: program.span, hint: 'declare them in a parameters { ... } block' }]);
  }
  return {
    file, source, ir, rowwiseIr, reduction: report, nRows: table.nRows, notes: rowwiseIr.notes ?? [],
    params: ir.params.map((p) => ({
      name: p.name, size: p.size, constraint: describeTransform(p.transform), factor: p.reference?.factor ?? p.factor, ...(p.reference ? { reference: p.reference.level } : {}),
    })),
    logDensity: (opts = {}) => makeLogDensity(ir, rowwiseIr, opts.backend ?? 'auto'),
  };
}

/**
 * The names of the fixed effects' scalars: parameters on the real line that are not random effects, the
 * rows lme4 gives a Wald z and p for.
 */
export function fixedEffectNames(m: Model): Set<string> {
  const names = new Set<string>();
  for (const p of m.ir.params) {
    if (p.latent || p.transform.kind !== 'identity') continue;
    for (let i = 0; i < p.size; i++) names.add(p.elementNames?.[i] ?? elementName(p.name, p.levels, i));
  }
  return names;
}
