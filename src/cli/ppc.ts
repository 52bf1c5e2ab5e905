import { Option, type Command } from 'commander';
import { DEFAULT_SEED, ENGINES, inferFit, type EngineName } from '../api/infer.js';
import { DEFAULT_PPC_DRAWS, columnGrouping, posteriorPredictiveCheck } from '../api/ppc.js';
import type { Model } from '../api/compile.js';
import { describeModel } from '../api/describe.js';
import { userError } from '../api/errors.js';
import { chosenDataPath, loadModel } from '../io/load_model.js';
import { ppcSpec } from '../plots/ppc.js';
import { ppcCsv, ppcTables, type Grouping } from '../results/ppc.js';
import { readAllColumns } from '../io/all_columns.js';
import { resolveColumn } from './data_columns.js';
import { writeOutputs } from './output.js';
import { ALLOW_PATH, intOption, type Io, type OnError } from './io.js';
import { renderPlot } from './plot_render.js';


interface PpcOpts {
  engine: EngineName;
  seed: number;
  draws: number;
  by?: string;
  data?: string;
  allowPath?: boolean;
  out?: string;
  plot?: string;
}

/** A --by naming a declared factor is used as the model reads it; any other data column is read as a factor here. */
function byColumn(m: Model, model: string, opts: PpcOpts, io: Io): string | Grouping | undefined {
  const { factors } = describeModel(m);
  if (opts.by === undefined || factors.has(opts.by)) return opts.by;
  const table = readAllColumns(model, opts.data);
  const { column, note } = resolveColumn(opts.by, table.header, '--by');
  if (note) io.out(note);
  if (factors.has(column)) return column;
  const c = table.header.indexOf(column);
  const values = Array.from({ length: table.nRows }, (_, r) => table.cell(r, c));
  const grouping = columnGrouping(column, values);
  if (grouping.levels.length > MAX_BY_GROUPS) {
    throw userError('E434', `--by '${column}' has ${grouping.levels.length.toLocaleString('en-US')} distinct values in ${table.nRows.toLocaleString('en-US')} rows: that is not a grouping`,
      { hint: `group by a factor column (at most ${MAX_BY_GROUPS} groups), or add a column that bins '${column}'` });
  }
  return grouping;
}

/** More groups than this from a column the model does not read as a factor: a real-valued column, not a grouping. */
const MAX_BY_GROUPS = 100;

async function runPpc(model: string, opts: PpcOpts, io: Io): Promise<void> {
  const m = loadModel(model, { dataPath: opts.data });
  for (const n of m.notes) io.err(`note: ${n}`);
  const by = byColumn(m, model, opts, io);
  const fit = await inferFit(m, { engine: opts.engine, seed: opts.seed });
  const t0 = performance.now();
  const results = posteriorPredictiveCheck(m, fit, { draws: opts.draws, by });
  const seconds = (performance.now() - t0) / 1000;
  io.out(`posterior predictive check of ${model}: ${results[0]?.draws ?? 0} data sets of ${m.nRows} rows replicated from the ${fit.engine} fit` +
    `${fit.weights ? ' (resampled by the PSIS weights)' : ''} in ${seconds.toFixed(1)} s`);
  for (const r of results) io.out(`\n${r.column} ~ ${r.family}\n\n${ppcTables(r)}`);
  for (const w of fit.warnings) io.err(`warning: ${w.message}`);
  if (opts.out) {
    writeOutputs(opts.out, { 'ppc.csv': ppcCsv(results) });
    io.out(`\nwrote ${opts.out}/ppc.csv`);
  }
  if (opts.plot) {
    const written: string[] = [];
    for (const r of results) written.push(...await renderPlot(ppcSpec(r), opts.plot, results.length === 1 ? 'ppc' : `ppc_${r.column}`));
    io.out(`\nwrote ${written.join(', ')}`);
  }
}

/** `ppl ppc MODEL`: replicated data from the fitted model against the observed, per group. */
export function registerPpc(program: Command, io: Io, onError: OnError): void {
  program.command('ppc')
    .description('posterior predictive check: statistics of the data (mean, variance, zeros) against data replicated from the fit, per group')
    .argument('<model>', 'a .glmm model file')
    .addOption(new Option('--engine <name>', 'inference engine').choices(ENGINES).default('laplace'))
    .option('--seed <n>', 'random seed (fit and replication)', intOption('--seed', 0), DEFAULT_SEED)
    .option('--draws <n>', 'replicated data sets, one per posterior draw', intOption('--draws', 1), DEFAULT_PPC_DRAWS)
    .option('--by <factor>', 'group the rows by this data column (default: the first factor of the likelihood)')
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option(...ALLOW_PATH)
    .option('--out <dir>', 'write ppc.csv to this folder')
    .option('--plot <dir>', 'write ppc.svg and ppc.png to this folder')
    .action(async (model: string, opts: PpcOpts) => {
      try {
        opts.data = chosenDataPath(model, opts.data, opts.allowPath);
        await runPpc(model, opts, io);
      } catch (e) {
        onError(e, [model]);
      }
    });
}
