import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { GlimmerError, InferenceError } from '../core/errors.js';
import { renderDiagnostic } from '../core/render_error.js';
import { BACKENDS, type BackendName } from '../api/backend_choice.js';
import { ENGINES, DEFAULT_DRAWS, DEFAULT_SEED, infer, type EngineName } from '../api/infer.js';
import { drawsCsv, summaryCsv, summaryTable } from '../results/format.js';
import { loadModel } from '../io/load_model.js';
import { writeOutputs } from './output.js';
import { versions } from './versions.js';
import { describeCheck, describeDiagnostics } from './report.js';
import { readFileSync } from 'node:fs';

interface Io {
  out(s: string): void;
  err(s: string): void;
}

const stdio: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

function intOption(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** Prints a user's mistake as located diagnostics; returns the exit code. */
function reportError(e: unknown, io: Io, sourceFiles: readonly string[]): number {
  if (e instanceof GlimmerError) {
    const sources = new Map<string, string>();
    for (const f of sourceFiles) {
      try {
        sources.set(f, readFileSync(f, 'utf8'));
      } catch {
        // the file itself is what could not be read
      }
    }
    io.err(e.diagnostics.map((d) => renderDiagnostic(d, sources)).join('\n\n'));
    if (e.diagnostics.length > 1) io.err(`\n${e.diagnostics.length} errors`);
    return 2;
  }
  if (e instanceof InferenceError) {
    io.err(`error[${e.code}]: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
    return 1;
  }
  const err = e as Error;
  io.err(`internal error: ${err?.message ?? String(e)}\nThis is a bug in Glimmer; please report it with the model and the command.`);
  if (process.env.GLIMMER_DEBUG) io.err(err?.stack ?? '');
  return 70;
}

/** `ppl` as a function of its arguments: returns the exit code (0 ok, 1 inference failed, 2 user error). */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  let code = 0;
  const program = new Command('ppl')
    .description('Glimmer: Bayesian and likelihood inference for generalized linear mixed models')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run ppl --help for usage)');

  program.command('check')
    .description('parse and type-check a model, check its data, and print its parameters')
    .argument('<model>', 'a .glmm model file')
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .addOption(new Option('--backend <name>', 'log-density backend to report').choices(BACKENDS).default('auto'))
    .action(async (model: string, opts: { data?: string; backend: BackendName }) => {
      try {
        const m = loadModel(model, { dataPath: opts.data });
        const ld = await m.logDensity({ backend: opts.backend });
        io.out(describeCheck(m));
        io.out(`backend: ${ld.backend} (${ld.choice})`);
        ld.dispose();
      } catch (e) {
        code = reportError(e, io, [model]);
      }
    });

  program.command('infer')
    .description('fit a model and print a summary of the posterior')
    .argument('<model>', 'a .glmm model file')
    .addOption(new Option('--engine <name>', 'inference engine').choices(ENGINES).default('laplace'))
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option('--seed <n>', 'random seed', intOption('--seed', 0), DEFAULT_SEED)
    .option('--draws <n>', 'number of draws', intOption('--draws', 10), DEFAULT_DRAWS)
    .addOption(new Option('--backend <name>', 'log-density backend: js (float64), tfjs, auto (by size), measure (time both here)').choices(BACKENDS).default('auto'))
    .option('--psis', 'reweight the draws by Pareto-smoothed importance sampling (Laplace)', false)
    .option('--out <dir>', 'write summary.csv, draws.csv and run.json to this folder')
    .action(async (model: string, opts: { engine: EngineName; backend: BackendName; data?: string; seed: number; draws: number; psis: boolean; out?: string }) => {
      try {
        const m = loadModel(model, { dataPath: opts.data });
        const fit = await infer(m, { engine: opts.engine, seed: opts.seed, draws: opts.draws, psis: opts.psis, backend: opts.backend });
        io.out(`${opts.engine} fit of ${model}: ${m.nRows} rows, ${m.ir.dim} parameters${fit.weights ? ', PSIS-reweighted' : ''}\n`);
        io.out(summaryTable(fit.summary));
        io.out('\n' + describeDiagnostics(fit));
        for (const w of fit.warnings) io.err(`warning: ${w}`);
        if (opts.out) {
          const run = {
            engine: fit.engine, model, data: opts.data ?? m.ir.data.file, rows: m.nRows, parameters: m.ir.dim, path: m.reduction,
            settings: fit.settings, seed: fit.settings.seed, versions: versions(), timings: fit.timings,
            diagnostics: fit.diagnostics, warnings: fit.warnings, command: ['ppl', ...argv].join(' '),
          };
          writeOutputs(opts.out, {
            'summary.csv': summaryCsv(fit.summary),
            'draws.csv': drawsCsv(fit.names, fit.draws, fit.weights),
            'run.json': JSON.stringify(run, null, 2) + '\n',
          });
          io.out(`\nwrote ${opts.out}/summary.csv, draws.csv, run.json`);
        }
      } catch (e) {
        code = reportError(e, io, [model]);
      }
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}
