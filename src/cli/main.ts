import { Command, CommanderError, Option } from 'commander';
import { BACKENDS, type BackendName } from '../api/backend_choice.js';
import { GlimmerError, InferenceError, renderDiagnostic } from '../api/errors.js';
import { chosenDataPath, loadModel } from '../io/load_model.js';
import { describeCheck } from './report.js';
import { readFileSync } from 'node:fs';
import { registerCompare } from './compare.js';
import { registerFitGenes, registerWorker } from './fit_genes.js';
import { registerInfer } from './infer.js';
import { ALLOW_PATH, stdio, type Io } from './io.js';
import { registerContrasts } from './contrasts.js';
import { registerPpc } from './ppc.js';
import { ownVersion } from './versions.js';


/** Prints a user's mistake as located diagnostics; returns the exit code. */
function reportError(e: unknown, io: Io, sourceFiles: readonly string[], textSources: ReadonlyMap<string, string> = new Map()): number {
  if (e instanceof GlimmerError) {
    const sources = new Map<string, string>(textSources);
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
    // Help wrapped at 80 columns whatever the terminal, so docs/cli.md (rendered from it) is the same everywhere.
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()), getOutHelpWidth: () => 80, getErrHelpWidth: () => 80 })
    .showHelpAfterError('(run ppl --help for usage)')
    .version(ownVersion(), '-V, --version', 'print Glimmer\'s version');

  program.command('check')
    .description('parse and type-check a model, check its data, and print its parameters')
    .argument('<model>', 'a .glmm model file')
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option(...ALLOW_PATH)
    .addOption(new Option('--backend <name>', 'log-density backend to report').choices(BACKENDS).default('auto'))
    .option('--ml', 'check the maximum-likelihood version (priors dropped but the random effects\')', false)
    .action(async (model: string, opts: { data?: string; allowPath?: boolean; backend: BackendName; ml: boolean }) => {
      try {
        opts.data = chosenDataPath(model, opts.data, opts.allowPath);
        const m = loadModel(model, { dataPath: opts.data, ml: opts.ml });
        for (const n of m.notes) io.err(`note: ${n}`);
        const ld = await m.logDensity({ backend: opts.backend });
        io.out(describeCheck(m));
        io.out(`backend: ${ld.backend} (${ld.choice})`);
        ld.dispose();
      } catch (e) {
        code = reportError(e, io, [model]);
      }
    });

  registerInfer(program, io, argv, (e, files, sources) => { code = reportError(e, io, files, sources); }, (c) => { code = c; });
  registerCompare(program, io, io === stdio && process.stderr.isTTY === true, (e, files) => { code = reportError(e, io, files); }, (c) => { code = c; });
  registerContrasts(program, io, (e, files, sources) => { code = reportError(e, io, files, sources); });
  registerPpc(program, io, (e, files) => { code = reportError(e, io, files); });
  registerFitGenes(program, io, io === stdio && process.stderr.isTTY === true, (e, files) => { code = reportError(e, io, files); });
  registerWorker(program, io, (e, files) => { code = reportError(e, io, files); });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}
