import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { GlimmerError, InferenceError } from '../core/errors.js';
import { renderDiagnostic } from '../core/render_error.js';
import { BACKENDS, type BackendName } from '../api/backend_choice.js';
import { ENGINES, DEFAULT_DRAWS, DEFAULT_SEED, RUN_SPREAD_LIMIT, infer, type EngineName, type Fit } from '../api/infer.js';
import { drawsCsv, summaryCsv, summaryTable } from '../results/format.js';
import { loadModel } from '../io/load_model.js';
import { writeOutputs } from './output.js';
import { versions } from './versions.js';
import { describeCheck, describeDiagnostics } from './report.js';
import { progressReporter } from '../engines/nuts/progress.js';
import { readFileSync } from 'node:fs';
import { registerCompare } from './compare.js';
import { contrastSources, describeContrasts, registerContrasts } from './contrasts.js';
import { registerPpc } from './ppc.js';
import { contrastsCsv } from '../results/contrasts.js';
import { writeFitPlots } from './plot_render.js';
import { parallelChains } from './chains/for_infer.js';

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

/** With --runs K: the sd of every mean across the K runs, in posterior sds; '*' marks those above RUN_SPREAD_LIMIT. */
function runSpreadTable(fit: Fit): string {
  const runs = fit.runs ?? [];
  const w = Math.max(...fit.summary.map((r) => r.name.length));
  const lines = [`run-to-run sd of the means over ${runs.length} runs (seeds ${runs[0]?.seed}-${runs[runs.length - 1]?.seed}):`, `${'name'.padEnd(w)}  run sd  / post. sd`];
  for (const r of fit.summary) {
    const ratio = (r.runSd ?? NaN) / r.sd;
    lines.push(`${r.name.padEnd(w)}  ${(r.runSd ?? NaN).toFixed(4).padStart(6)}  ${ratio.toFixed(3).padStart(9)}${ratio > RUN_SPREAD_LIMIT ? ' *' : ''}`);
  }
  return lines.join('\n');
}

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
    .showHelpAfterError('(run ppl --help for usage)');

  program.command('check')
    .description('parse and type-check a model, check its data, and print its parameters')
    .argument('<model>', 'a .glmm model file')
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .addOption(new Option('--backend <name>', 'log-density backend to report').choices(BACKENDS).default('auto'))
    .option('--ml', 'check the maximum-likelihood version (priors dropped but the random effects\')', false)
    .action(async (model: string, opts: { data?: string; backend: BackendName; ml: boolean }) => {
      try {
        const m = loadModel(model, { dataPath: opts.data, ml: opts.ml });
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
    .option('--chains <n>', 'MCMC (nuts, hmc): number of chains; --draws is then per chain (default 1000)', intOption('--chains', 1), 4)
    .option('--warmup <n>', 'MCMC: warm-up iterations per chain', intOption('--warmup', 0), 1000)
    .option('--adapt-delta <x>', 'MCMC: target acceptance statistic of step-size adaptation, in (0, 1)', (v: string): number => {
      const x = Number(v);
      if (!(x > 0 && x < 1)) throw new InvalidArgumentError('--adapt-delta must be a number strictly between 0 and 1');
      return x;
    }, 0.8)
    .option('--max-depth <n>', 'MCMC: maximum NUTS tree depth (at most 2^n - 1 leapfrog steps)', intOption('--max-depth', 1), 10)
    .option('--dense', 'MCMC: adapt a dense metric (for strongly correlated posteriors)', false)
    .option('--threads <n>', 'MCMC: worker threads for the chains (default: one per chain, up to the cores); the draws do not depend on it', intOption('--threads', 1))
    .addOption(new Option('--vi-recipe <name>', 'VI (advi, fullrank): glimmer (defaults) or tfp (the TFP tutorial: adam, lr 1e-2, 10000 steps, 2 draws, random init, no averaging)').choices(['glimmer', 'tfp']))
    .addOption(new Option('--optimizer <name>', 'VI: stochastic optimizer').choices(['adam', 'sgd']))
    .option('--lr <x>', 'VI: learning rate (default 0.05, in whitened coordinates)', (v: string): number => {
      const x = Number(v);
      if (!(x > 0 && Number.isFinite(x))) throw new InvalidArgumentError('--lr must be a number > 0');
      return x;
    })
    .option('--steps <n>', 'VI: step limit (without averaging: exactly this many steps; default 10000)', intOption('--steps', 1))
    .option('--mc-draws <n>', 'VI: Monte Carlo draws per step (default 16)', intOption('--mc-draws', 1))
    .addOption(new Option('--init <how>', 'VI: start at the posterior mode (Laplace fit) or at random').choices(['mode', 'random']))
    .option('--no-average', 'VI: no iterate averaging or convergence rule: return the last iterate of --steps steps')
    .option('--ml', 'maximum likelihood, as lme4: random effects integrated out by Laplace, no priors (laplace engine)', false)
    .option('--marginal', 'laplace: integrate the random effects out (the marginal posterior mode) instead of a joint Gaussian', false)
    .option('--runs <k>', 'fit K times with seeds seed..seed+K-1 and report the run-to-run sd of every mean', intOption('--runs', 1), 1)
    .option('--plot <dir>', 'write plots (SVG and PNG) to this folder: forest, densities, trace and rank (MCMC), elbo (VI)')
    .option('--contrast <expr>', 'report a function of the parameters with P(>0), e.g. "beta[T : R : diseased] - beta[T : R : healthy]" (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (model: string, opts: { engine: EngineName; backend: BackendName; data?: string; seed: number; draws: number; psis: boolean; out?: string; chains: number; warmup: number; adaptDelta: number; maxDepth: number; dense: boolean; threads?: number; viRecipe?: string; optimizer?: string; lr?: number; steps?: number; mcDraws?: number; init?: string; average: boolean; runs: number; ml: boolean; marginal: boolean; plot?: string; contrast: string[] }, cmd: Command) => {
      try {
        const m = loadModel(model, { dataPath: opts.data, ml: opts.ml });
        const mcmcSettings = {
          chains: opts.chains, warmup: opts.warmup, adaptDelta: opts.adaptDelta, maxDepth: opts.maxDepth, dense: opts.dense,
          // --draws given by the user is per chain; left at its default, the engine uses 1000 per chain.
          ...(cmd.getOptionValueSource('draws') === 'cli' ? { drawsPerChain: opts.draws } : {}),
          ...(io === stdio && process.stderr.isTTY ? { progress: progressReporter((s) => process.stderr.write(s)) } : {}),
        };
        const viSettings = {
          viRecipe: opts.viRecipe, optimizer: opts.optimizer, lr: opts.lr, steps: opts.steps, mcDraws: opts.mcDraws, init: opts.init,
          ...(cmd.getOptionValueSource('average') === 'cli' ? { average: opts.average } : {}),
        };
        const parallel = opts.engine === 'nuts' || opts.engine === 'hmc'
          ? parallelChains({ modelPath: model, dataPath: opts.data, ml: opts.ml, backend: opts.backend, chains: opts.chains, threads: opts.threads })
          : undefined;
        let fit: Fit;
        try {
          fit = await infer(m, { engine: opts.engine, seed: opts.seed, draws: opts.draws, psis: opts.psis, backend: opts.backend, settings: { ...mcmcSettings, ...viSettings, ...parallel?.settings, marginal: opts.marginal }, runs: opts.runs, contrasts: opts.contrast });
        } finally {
          if (parallel?.finish()) code = 130;
        }
        io.out(`${opts.engine} fit of ${model}: ${m.nRows} rows, ${m.ir.dim} parameters${fit.weights ? ', PSIS-reweighted' : ''}\n`);
        io.out(summaryTable(fit.summary));
        if (fit.runs) io.out('\n' + runSpreadTable(fit));
        if (fit.contrasts) io.out('\n' + describeContrasts(fit.contrasts));
        io.out('\n' + describeDiagnostics(fit));
        for (const w of fit.warnings) io.err(`warning: ${w}`);
        if (opts.out) {
          const run = {
            engine: fit.engine, model, data: opts.data ?? m.ir.data.file, rows: m.nRows, parameters: m.ir.dim, path: m.reduction,
            settings: fit.settings, seed: fit.settings.seed, versions: versions(), timings: fit.timings,
            diagnostics: fit.diagnostics, warnings: fit.warnings, command: ['ppl', ...argv].join(' '),
            ...(fit.runs ? { runs: fit.runs } : {}),
          };
          writeOutputs(opts.out, {
            'summary.csv': summaryCsv(fit.summary),
            'draws.csv': drawsCsv(fit.names, fit.draws, fit.weights),
            'run.json': JSON.stringify(run, null, 2) + '\n',
            ...(fit.contrasts ? { 'contrasts.csv': contrastsCsv(fit.contrasts) } : {}),
          });
          io.out(`\nwrote ${opts.out}/summary.csv, draws.csv, run.json${fit.contrasts ? ', contrasts.csv' : ''}`);
        }
        if (opts.plot) io.out(`\nwrote ${(await writeFitPlots(fit, opts.plot)).join(', ')}`);
      } catch (e) {
        code = reportError(e, io, [model], contrastSources(opts.contrast));
      }
    });

  registerCompare(program, io, io === stdio && process.stderr.isTTY === true, (e, files) => { code = reportError(e, io, files); });
  registerContrasts(program, io, (e, files, sources) => { code = reportError(e, io, files, sources); });
  registerPpc(program, io, (e, files) => { code = reportError(e, io, files); });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  return code;
}
