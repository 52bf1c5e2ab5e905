import type { FitWarning } from '../core/warning.js';
import { compileProgram, type Model } from '../api/compile.js';
import { inferFit, type EngineName, type Fit } from '../api/infer.js';
import { GlimmerError, InferenceError } from '../core/errors.js';
import type { Column, DataTable, FactorColumn } from '../data/table.js';
import { paramsOf } from '../compiler/ir.js';
import type { Expr, Program } from '../language/ast.js';
import { emptyLevelBound } from './bound.js';
import { RESPONSE, withGene } from './cells.js';
import { nonZeroRows } from '../math/nonzero.js';

/** What fit-genes fits to every gene: the parsed model, the cells, the engine and its settings. */
export interface GeneJob {
  readonly program: Program;
  readonly source: string;
  readonly fileName: string;
  readonly cells: DataTable;
  readonly engine: EngineName;
  readonly ml: boolean;
  readonly reml: boolean;
  readonly seed: number;
  readonly draws?: number;
  readonly contrasts: readonly string[];
}

/** A gene's outcome, in words (counted in the run's summary). */
export type GeneStatus = 'converged' | 'all zero' | 'no counts in a group' | 'sd at zero' | 'no overdispersion' | 'at a boundary' | 'did not converge' | 'failed';
export const STATUSES: readonly GeneStatus[] = ['converged', 'no counts in a group', 'sd at zero', 'no overdispersion', 'at a boundary', 'did not converge', 'all zero', 'failed'];

/** One reported quantity of one gene: an estimate (or posterior mean) with its SE (or sd) and 95% interval. */
export interface GeneRow {
  readonly name: string;
  readonly mean: number;
  readonly sd: number;
  readonly q2_5: number;
  readonly q97_5: number;
  /** P(> 0) of a contrast or generated quantity (posterior engines); undefined elsewhere. */
  readonly pPositive?: number;
  /** Set for a group with no counts: its effect has no estimate, only this one-sided 95% upper bound (also in q97_5). */
  readonly upperBound?: boolean;
  /** A generated quantity or contrast that reads the effect of a group with no counts: no estimate. */
  readonly notEstimable?: boolean;
}

export interface GeneResult {
  readonly gene: string;
  readonly status: GeneStatus;
  /** The status in a sentence: which group has no counts, the gradient norm, the error. */
  readonly detail: string;
  readonly rows: readonly GeneRow[];
  /** ML/Laplace: the optimizer's largest gradient in sd units at the estimate. */
  readonly gradNorm?: number;
  /** Pareto k-hat of the approximation, where the engine reports one. */
  readonly khat?: number;
  readonly seconds: number;
}

/** Fits one gene; never throws for a problem of the gene's data: that becomes its status. */
export async function fitGene(job: GeneJob, gene: string, cellIndex: ArrayLike<number>, values: ArrayLike<number>): Promise<GeneResult> {
  const t0 = performance.now();
  const done = (r: Omit<GeneResult, 'gene' | 'seconds'>): GeneResult => ({ gene, ...r, seconds: (performance.now() - t0) / 1000 });
  if (sumOf(values) === 0) return done({ status: 'all zero', detail: 'no counts in any cell', rows: [] });
  const table = withGene(job.cells, cellIndex, values);
  try {
    const model = compileGene(job, table);
    const empty = emptyLevels(model, table);
    if (empty.length === 0) return done(outcome(await fit(job, model), model));
    // A group with no counts: its effect's likelihood rises towards -infinity, so it has no estimate.
    // The other effects are those of the data without the group's cells; the group gets the one-sided
    // bound its zeros allow, at the others' estimates.
    // Generated quantities and contrasts that read an empty group's effect have no estimate either.
    const labels = new Set(empty.map((e) => e.level));
    const { kept, dropped } = withoutLevels(job.program, labels);
    const contrasts = job.contrasts.filter((c) => ![...labels].some((l) => c.includes(l)));
    const reducedJob = { ...job, program: kept, contrasts };
    const reduced = compileGene(reducedJob, dropLevels(table, empty));
    const f = await fit(reducedJob, reduced);
    const base = outcome(f, reduced);
    const bounds = empty.map((e) => emptyLevelBound(model, table, e, f));
    const rows: GeneRow[] = [...base.rows.filter((r) => !bounds.some((b) => b.name === r.name)), ...bounds.map((b) => ({
      name: b.name, mean: NaN, sd: NaN, q2_5: -Infinity, q97_5: b.upper, upperBound: true,
    })), ...[...dropped, ...job.contrasts.filter((c) => !contrasts.includes(c))].map((name) => ({ name, mean: NaN, sd: NaN, q2_5: NaN, q97_5: NaN, notEstimable: true }))];
    const which = empty.map((e) => `${e.factor} '${e.level}'`).join(', ');
    return done({ ...base, status: base.status === 'converged' ? 'no counts in a group' : base.status,
      detail: `no counts in ${which}: ${empty.length === 1 ? 'its effect is' : 'their effects are'} bounded above only (one-sided 95% bound reported)${base.status === 'converged' ? '' : `; ${base.detail}`}`, rows });
  } catch (e) {
    if (e instanceof GlimmerError || e instanceof InferenceError) return done({ status: 'failed', detail: oneLine(e), rows: [] });
    throw e;
  }
}

/**
 * The counts' total. A loop of its own: inside fitGene it made fitGene itself hot, and V8 compiled the
 * whole of it (with what it inlines) again and again as the genes' objects changed shape: six times,
 * 100 ms, for a function that runs once a gene.
 */
function sumOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < values.length; k++) total += values[k];
  return total;
}

function compileGene(job: GeneJob, table: DataTable): Model {
  return compileProgram(job.program, table, { fileName: job.fileName, source: job.source, ml: job.ml, reml: job.reml });
}

async function fit(job: GeneJob, model: Model): Promise<Fit> {
  return inferFit(model, { engine: job.engine, seed: job.seed, draws: job.draws, contrasts: job.contrasts, backend: 'js' });
}

/** The reported rows (random effects left out: one line per patient per gene is not what a gene table is for) and the status. */
function outcome(f: Fit, model: Model): Omit<GeneResult, 'gene' | 'seconds'> {
  const latent = new Set(model.ir.params.filter((p) => p.latent).flatMap((p) => elementNames(f, p.name)));
  const generated = new Set(model.ir.generated.map((g) => g.name));
  const rows: GeneRow[] = f.summary.filter((r) => !latent.has(r.name) && !generated.has(r.name)).map((r) => ({ name: r.name, mean: r.mean, sd: r.sd, q2_5: r.q2_5, q97_5: r.q97_5 }));
  for (const c of f.contrasts ?? []) rows.push({ name: c.name, mean: c.mean, sd: c.sd, q2_5: c.q2_5, q97_5: c.q97_5, pPositive: model.ir.ml ? undefined : c.pPositive });
  const d = f.diagnostics;
  const gradNorm = d.kind === 'ml' ? d.scaledGradNormAtMode : undefined;
  const khat = 'khat' in d ? d.khat : undefined;
  const stopped = f.warnings.find((w) => w.code === 'optimizer-stopped' || w.code === 'inner-not-converged');
  if (stopped) return { status: 'did not converge', detail: stopped.message, rows, gradNorm, khat };
  // lme4's singular fit (a parameter at 0), or a parameter estimated at infinity (run_ml's boundary warnings).
  const boundary = f.warnings.find((w) => w.code === 'singular-fit' || w.code === 'at-infinity');
  if (boundary) return { status: boundaryStatus(model, boundary), detail: boundary.message, rows, gradNorm, khat };
  return { status: 'converged', detail: f.warnings.map((w) => w.message).join('; '), rows, gradNorm, khat };
}

/**
 * Which edge a boundary fit is at, from the parameters the warning names: a random effect's sd at 0
 * (lme4's singular fit), a negative binomial's dispersion at infinity (the counts are Poisson), or
 * another parameter at its edge.
 */
function boundaryStatus(model: Model, warning: FitWarning): GeneStatus {
  const ir = model.ir;
  const named = (k: number): boolean => (warning.params ?? []).includes(ir.params[k].name);
  const sds = new Set(ir.priors.filter((t) => ir.params[t.param].latent).flatMap((t) => [...paramsOf(t.args[1])]));
  if ([...sds].some(named)) return 'sd at zero';
  const dispersions = new Set(ir.likelihoods.flatMap((l) => l.form.args.flatMap((a, j) => (a.name === 'dispersion' ? [...paramsOf(l.args[j])] : []))));
  if ([...dispersions].some(named)) return 'no overdispersion';
  return 'at a boundary';
}

function elementNames(f: Fit, param: string): string[] {
  return f.names.filter((n) => n === param || n.startsWith(`${param}[`));
}

/** A level of a factor that indexes a fixed effect, with no counts of this gene in its cells. */
export interface EmptyLevel {
  readonly param: string;
  readonly factor: string;
  readonly level: string;
}

function emptyLevels(model: Model, table: DataTable): EmptyLevel[] {
  const y = (table.columns.get(RESPONSE) as { values: Float64Array }).values;
  const out: EmptyLevel[] = [];
  for (const p of model.rowwiseIr.params) {
    if (p.latent || !p.factor) continue;
    const f = table.columns.get(p.factor);
    if (f?.kind !== 'factor') continue;
    const sums = new Float64Array(f.levels.length);
    const nz = nonZeroRows(y);
    for (let k = 0; k < nz.length; k++) sums[f.codes[nz[k]]] += y[nz[k]];
    sums.forEach((s, l) => {
      if (s === 0) out.push({ param: p.name, factor: p.factor!, level: f.levels[l] });
    });
  }
  return out;
}

/**
 * The program without the generated quantities that index a parameter by one of `labels` (and those
 * defined from them), which the fit without those levels cannot compute; with the names dropped.
 */
function withoutLevels(program: Program, labels: ReadonlySet<string>): { kept: Program; dropped: string[] } {
  const dropped = new Set<string>();
  const reads = (e: Expr): boolean => {
    switch (e.kind) {
      case 'str':
        return labels.has(e.value);
      case 'var':
        return dropped.has(e.name);
      case 'index':
        return reads(e.index) || dropped.has(e.target.name);
      case 'neg':
        return reads(e.operand);
      case 'binary':
        return reads(e.left) || reads(e.right);
      case 'call':
        return e.args.some(reads);
      default:
        return false;
    }
  };
  const generated = program.generated.filter((g) => {
    if (!reads(g.value)) return true;
    dropped.add(g.name.name);
    return false;
  });
  return { kept: { ...program, generated }, dropped: [...dropped] };
}

/**
 * The cells without the same empty levels, remembered per cell table: genes with the same empty groups
 * (common among rare genes) share every column but the response, and so share the compiled pieces the
 * compiler remembers by column.
 */
const droppedBy = new WeakMap<Int32Array, Map<string, DataTable & { keep: Int32Array }>>();

/** The table without the cells of the empty levels, and without those levels. */
function dropLevels(table: DataTable, empty: readonly EmptyLevel[]): DataTable {
  const y = table.columns.get(RESPONSE) as Column & { kind: 'numeric' };
  const others = new Map([...table.columns].filter(([name]) => name !== RESPONSE));
  // The cells table withGene copied its columns from: the same column objects, found through any of them.
  const anchor = ([...others.values()].find((c) => c.kind === 'factor') as FactorColumn | undefined)?.codes;
  const key = empty.map((e) => `${e.factor}\u0000${e.level}`).join('\u0001');
  let memo = anchor ? droppedBy.get(anchor) : undefined;
  if (anchor && !memo) droppedBy.set(anchor, (memo = new Map()));
  let base = memo?.get(key);
  if (!base) {
    base = subsetRows({ ...table, columns: others }, empty);
    memo?.set(key, base);
  }
  const columns = new Map(base.columns);
  columns.set(RESPONSE, { ...y, values: Float64Array.from(base.keep, (i) => y.values[i]) });
  return { ...base, columns };
}

function subsetRows(table: DataTable, empty: readonly EmptyLevel[]): DataTable & { keep: Int32Array } {
  const drop = new Uint8Array(table.nRows);
  for (const e of empty) {
    const f = table.columns.get(e.factor) as FactorColumn;
    const l = f.levels.indexOf(e.level);
    for (let i = 0; i < table.nRows; i++) if (f.codes[i] === l) drop[i] = 1;
  }
  let kept = 0;
  for (let i = 0; i < drop.length; i++) kept += drop[i] ? 0 : 1;
  const keep = new Int32Array(kept);
  for (let i = 0, k = 0; i < drop.length; i++) if (!drop[i]) keep[k++] = i;
  // Plain loops over typed arrays: this runs for every gene with an empty group, over every cell.
  const subset = (c: Column): Column => {
    if (c.kind === 'numeric') {
      const values = new Float64Array(keep.length);
      for (let k = 0; k < keep.length; k++) values[k] = c.values[keep[k]];
      return { ...c, values };
    }
    const used = new Uint8Array(c.levels.length);
    for (let k = 0; k < keep.length; k++) used[c.codes[keep[k]]] = 1;
    const recode = new Int32Array(c.levels.length).fill(-1);
    const levels: string[] = [];
    used.forEach((u, l) => {
      if (u) recode[l] = levels.push(c.levels[l]) - 1;
    });
    const codes = new Int32Array(keep.length);
    for (let k = 0; k < keep.length; k++) codes[k] = recode[c.codes[keep[k]]];
    return { ...c, levels, codes };
  };
  const columns = new Map([...table.columns].map(([name, c]) => [name, subset(c)]));
  return { file: table.file, nRows: keep.length, columns, keep, lineOf: table.lineOf ? (row) => table.lineOf!(keep[row]) : undefined };
}

/** An error as one line of text for genes.csv: the code, the message and its hint, no source excerpt. */
function oneLine(e: GlimmerError | InferenceError): string {
  if (e instanceof InferenceError) return `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`;
  return e.diagnostics.map((d) => `${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('; ');
}
