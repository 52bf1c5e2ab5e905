import { Option, type Command } from 'commander';
import { suggest, userError } from '../api/errors.js';
import { DEFAULT_DRAWS, DEFAULT_SEED, ENGINES, contrastFileName, inferFit, type EngineName } from '../api/infer.js';
import { describeModel, type ModelDescription } from '../api/describe.js';
import { chosenDataPath, loadModel } from '../io/load_model.js';
import { contrastsCsv, contrastsTable, type ContrastRow } from '../results/contrasts.js';
import { levelDesign, pairwiseContrasts, type LevelPair, type PairGroup } from '../results/contrasts_pairwise.js';
import { readAllColumns } from '../io/all_columns.js';
import { resolveColumn } from './data_columns.js';
import { writeOutputs } from './output.js';
import { ALLOW_PATH, intOption, type Io, type OnError } from './io.js';



/** The texts of --contrast arguments under the pseudo-file names their errors point into. */
export function contrastSources(texts: readonly string[]): Map<string, string> {
  return new Map(texts.map((t, i) => [contrastFileName(i, texts.length), t]));
}

/** `ppl infer`'s table of generated quantities and --contrast expressions, with P(> 0). */
export function describeContrasts(rows: readonly ContrastRow[], ml = false): string {
  if (ml) return `contrasts and generated quantities (maximum likelihood: Wald z = estimate / SE, two-sided p):\n${contrastsTable(rows, [], true)}`;
  return `contrasts and generated quantities (P(>0): posterior probability of a positive value):\n${contrastsTable(rows)}`;
}

interface ContrastsOpts {
  factor: string;
  by: string[];
  ref: string[];
  engine: EngineName;
  seed: number;
  draws: number;
  data?: string;
  allowPath?: boolean;
  out?: string;
}

/** One reported difference: `param[plus] - param[minus]`, the levels differing in `by`. */
interface Planned {
  readonly param: string;
  readonly group: PairGroup;
  readonly pair: LevelPair;
  readonly name: string;
}

const quoted = (label: string): string => `"${label.replace(/[\\"]/g, '\\$&')}"`;

/** The parameters indexed by the factor; an unknown factor gets a did-you-mean among the factors that index parameters. */
function factorParams(d: ModelDescription, factor: string): { name: string; levels: readonly string[] }[] {
  const params = d.parameters.filter((p) => p.factor === factor);
  if (params.length > 0) return params.map((p) => ({ name: p.name, levels: levelsOf(d, p.name) }));
  const factors = [...new Set(d.parameters.flatMap((p) => (p.factor ? [p.factor] : [])))];
  const close = suggest(factor, factors);
  throw userError('E430', d.factors.has(factor) ? `no parameter is indexed by '${factor}'` : `unknown factor '${factor}'`,
    { hint: close ? `did you mean '${close}'?` : `factors that index parameters: ${factors.join(', ') || 'none'}` });
}

/**
 * Without --by: every pair of the factor's levels (emmeans' `pairwise ~ f`), the later level minus the
 * earlier, for each parameter the factor indexes.
 */
function allPairs(d: ModelDescription, factor: string): Planned[] {
  const params = factorParams(d, factor);
  return params.flatMap((p) => {
    const n = p.levels.length;
    const pairs = Array.from({ length: n }, (_, i) => Array.from({ length: i }, (__, j) => ({ by: factor, plus: i, minus: j }))).flat();
    const group: PairGroup = { by: factor, values: [], reference: '', held: [], pairs };
    return pairs.map((pair) => ({ param: p.name, group, pair, name: `${p.name}[${p.levels[pair.plus]}] - ${p.name}[${p.levels[pair.minus]}]` }));
  });
}

/** The pairs of levels to compare, from every column of the data file. */
function plan(d: ModelDescription, model: string, opts: ContrastsOpts, io: Io): Planned[] {
  if (opts.by.length === 0) return allPairs(d, opts.factor);
  const params = factorParams(d, opts.factor);
  const table = readAllColumns(model, opts.data);
  const by = opts.by.map((name) => {
    const r = resolveColumn(name, table.header, '--by');
    if (r.note) io.out(r.note);
    return r.column;
  });
  const refs = new Map(opts.ref.map((spec) => {
    const [col, ...rest] = spec.split('=');
    if (rest.length === 0) throw userError('E430', `--ref '${spec}' is not COLUMN=VALUE`, { hint: 'e.g. --ref disease_assignment=healthy' });
    return [resolveColumn(col.trim(), by, '--ref').column, rest.join('=').trim()];
  }));
  const factor = d.factors.get(opts.factor)!;
  const columns = table.header.map((name, c) => ({ name, value: (r: number) => table.cell(r, c) }));
  const groups = pairwiseContrasts(levelDesign(opts.factor, factor.levels, factor.codes, columns), by, refs);
  return params.flatMap((p) => groups.flatMap((group) => group.pairs.map((pair) => ({
    param: p.name, group, pair, name: `${p.name}[${p.levels[pair.plus]}] - ${p.name}[${p.levels[pair.minus]}]`,
  }))));
}

/** A parameter's levels as compared: a treatment-coded one's (b[trt, ref = "B"]) with its reference, whose value is 0. */
function levelsOf(d: ModelDescription, param: string): readonly string[] {
  const p = d.parameters.find((q) => q.name === param);
  return (p?.reference !== undefined && p.factor ? d.factors.get(p.factor)?.levels : undefined) ?? p?.levels ?? [];
}

const heading = (g: PairGroup): string => (g.values.length === 0
  ? `every pair of levels of ${g.by}: ${g.pairs.length} comparisons. Each interval and P(>0) holds for its comparison alone, with no ` +
    `adjustment for multiplicity: by chance alone about ${(0.05 * g.pairs.length).toFixed(1)} of ${g.pairs.length} 95% intervals miss`
  : `${g.by}: ${g.values.slice(1).join(', ')} - ${g.reference}${g.held.length ? ` (same ${[...g.held].join(', ')})` : ''}`);

async function runContrasts(model: string, opts: ContrastsOpts, io: Io): Promise<void> {
  const m = loadModel(model, { dataPath: opts.data });
  for (const n of m.notes) io.err(`note: ${n}`);
  const d = describeModel(m);
  const planned = plan(d, model, opts, io);
  if (planned.length === 0 && opts.by.length === 0) throw userError('E431', `'${opts.factor}' has fewer than two levels to compare`);
  if (planned.length === 0) {
    throw userError('E431', `no two levels of '${opts.factor}' differ in exactly one of ${opts.by.join(', ')} with all else equal`,
      { hint: 'check --by: each column should split the levels into groups that are otherwise alike' });
  }
  const texts = planned.map((p) => {
    const levels = levelsOf(d, p.param);
    return `${p.param}[${quoted(levels[p.pair.plus])}] - ${p.param}[${quoted(levels[p.pair.minus])}]`;
  });
  const fit = await inferFit(m, { engine: opts.engine, seed: opts.seed, draws: opts.draws, contrasts: texts });
  const rows = (fit.contrasts ?? []).slice(-texts.length).map((r, i) => ({ ...r, name: planned[i].name }));
  const which = opts.by.length === 0 ? '' : ` that differ in one of ${[...new Set(planned.map((p) => p.group.by))].join(', ')}`;
  io.out(`${fit.engine} fit of ${model}: differences of ${[...new Set(planned.map((p) => p.param))].join(', ')} between levels of ${opts.factor}` +
    `${which}${fit.weights ? ', PSIS-reweighted' : ''}`);
  let start = 0;
  while (start < planned.length) {
    const { param, group } = planned[start];
    let end = start;
    while (end < planned.length && planned[end].param === param && planned[end].group === group) end++;
    io.out(`\n${heading(group)}\n${contrastsTable(rows.slice(start, end))}`);
    start = end;
  }
  for (const w of fit.warnings) io.err(`warning: ${w.message}`);
  if (opts.out) {
    const extra = [
      { head: 'parameter', cell: (i: number) => planned[i].param },
      { head: 'by', cell: (i: number) => planned[i].group.by },
      { head: 'level', cell: (i: number) => levelsOf(d, planned[i].param)[planned[i].pair.plus] },
      { head: 'minus_level', cell: (i: number) => levelsOf(d, planned[i].param)[planned[i].pair.minus] },
    ];
    writeOutputs(opts.out, { 'contrasts.csv': contrastsCsv(rows, extra) });
    io.out(`\nwrote ${opts.out}/contrasts.csv`);
  }
}

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
const repeat = (v: string, prev: string[]): string[] => [...prev, v];
/** `ppl contrasts MODEL --factor F --by A,B`: every difference between levels of F that differ in one of A, B. */
export function registerContrasts(program: Command, io: Io, onError: OnError): void {
  program.command('contrasts')
    .description('differences between the levels of a factor that differ in one data column, all else equal (or every pair of levels), with P(>0)')
    .argument('<model>', 'a .glmm model file')
    .requiredOption('--factor <name>', 'the factor whose levels are compared (it indexes parameters, e.g. cell_group)')
    .option('--by <columns>', 'comma-separated data columns constant within levels (e.g. tissue_assignment,disease_assignment); without it, every pair of levels', list, [] as string[])
    .option('--ref <column=value>', 'the reference value of a --by column, subtracted from the others (repeatable)', repeat, [])
    .addOption(new Option('--engine <name>', 'inference engine').choices(ENGINES).default('laplace'))
    .option('--seed <n>', 'random seed', intOption('--seed', 0), DEFAULT_SEED)
    .option('--draws <n>', 'number of draws', intOption('--draws', 10), DEFAULT_DRAWS)
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option(...ALLOW_PATH)
    .option('--out <dir>', 'write contrasts.csv to this folder')
    .action(async (model: string, opts: ContrastsOpts) => {
      try {
        opts.data = chosenDataPath(model, opts.data, opts.allowPath);
        await runContrasts(model, opts, io);
      } catch (e) {
        onError(e, [model]);
      }
    });
}
