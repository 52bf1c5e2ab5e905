import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKENDS, type BackendName } from '../api/backend_choice.js';
import { fixedEffectNames, type Model } from '../api/compile.js';
import { ENGINES, DEFAULT_DRAWS, DEFAULT_SEED, RUN_SPREAD_LIMIT, inferFit, type EngineName, type EngineSettings, type Fit, type InferHooks } from '../api/infer.js';
import { SETTING_KEYS } from '../api/infer_options.js';
import { PARAMETRISATIONS } from '../api/engine_settings.js';
import { drawsCsv, estimateTable, summaryCsv, summaryTable } from '../results/format.js';
import { contrastsCsv } from '../results/contrasts.js';
import { describeModel } from '../api/describe.js';
import { chosenDataPath, loadModel } from '../io/load_model.js';
import { progressHook } from './progress.js';
import { parallelChains } from './chains/for_infer.js';
import { smallData, smallModel } from './chains/small_model.js';
import { contrastSources, describeContrasts } from './contrasts.js';
import { ALLOW_PATH, intOption, stdio, type Io, type OnError } from './io.js';
import { writeOutputs } from './output.js';
import { writeFitPlots } from './plot_render.js';
import { describeDiagnostics } from './report.js';
import { versions } from './versions.js';

interface InferOpts {
  engine: EngineName; backend: BackendName; data?: string; allowPath?: boolean; seed: number; draws: number; psis: boolean; out?: string; progress: boolean;
  chains: number; warmup: number; adaptDelta: number; maxDepth: number; dense: boolean; parametrisation: string; threads?: number;
  viRecipe?: string; optimizer?: string; lr?: number; steps?: number; mcDraws?: number; init?: string; average: boolean;
  runs: number; ml: boolean; reml: boolean; plot?: string; contrast: string[];
}

/** The engine settings the options give (each engine reads its own; see docs/engines.md). */
/** The chosen engine's settings from the flags: only its own keys (inapplicableOption refused the others), only those given. */
function settingsFor(opts: InferOpts, cmd: Command): EngineSettings[EngineName] {
  const flags: Record<string, unknown> = {
    chains: opts.chains, warmup: opts.warmup, adaptDelta: opts.adaptDelta, maxDepth: opts.maxDepth, dense: opts.dense, parametrisation: opts.parametrisation,
    // --draws given by the user is per chain; left at its default, the engine uses 1000 per chain.
    ...(cmd.getOptionValueSource('draws') === 'cli' ? { drawsPerChain: opts.draws } : {}),
    viRecipe: opts.viRecipe, optimizer: opts.optimizer, lr: opts.lr, steps: opts.steps, mcDraws: opts.mcDraws, init: opts.init,
    ...(cmd.getOptionValueSource('average') === 'cli' ? { average: opts.average } : {}),
  };
  const own: readonly string[] = SETTING_KEYS[opts.engine];
  return Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && own.includes(k))) as EngineSettings[EngineName];
}

/** The progress line on stderr, on a terminal or with --progress. */
function progressHooks(opts: InferOpts, io: Io): InferHooks {
  return io === stdio && (process.stderr.isTTY || opts.progress) ? { onProgress: progressHook(opts.engine, (s) => process.stderr.write(s)) } : {};
}

/** Options that only some engines read, with the engines and what the option is for. */
const ENGINE_OPTIONS: readonly { readonly names: readonly string[]; readonly engines: readonly EngineName[]; readonly what: string }[] = [
  { names: ['psis'], engines: ['laplace', 'laplace-joint', 'advi', 'fullrank'], what: 'it reweights the draws of a Gaussian approximation' },
  { names: ['chains', 'warmup', 'adaptDelta', 'maxDepth', 'dense', 'parametrisation', 'threads'], engines: ['nuts', 'hmc'], what: 'it sets up MCMC' },
  { names: ['progress'], engines: ['laplace', 'nuts', 'hmc', 'advi', 'fullrank'], what: 'it draws the sampler\'s or the optimizer\'s progress' },
  { names: ['viRecipe', 'optimizer', 'lr', 'steps', 'mcDraws', 'init', 'average'], engines: ['advi', 'fullrank'], what: 'it sets up variational inference' },
];

/** Commander's attribute name as the user typed it: adaptDelta -> --adapt-delta, average -> --no-average. */
const flagOf = (name: string): string => (name === 'average' ? '--no-average' : `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);

/** An option given on the command line that the chosen engine would ignore: refused, not silently dropped. */
function inapplicableOption(engine: EngineName, cmd: Command): string | undefined {
  for (const group of ENGINE_OPTIONS) {
    if (group.engines.includes(engine)) continue;
    const given = group.names.find((n) => cmd.getOptionValueSource(n) === 'cli');
    if (given) return `${flagOf(given)} does not apply to --engine ${engine}: ${group.what} (${group.engines.join(', ')})`;
  }
  return undefined;
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

/** `ppl infer MODEL`: fit with one engine, print the summary, contrasts and diagnostics; --out, --plot. */
export function registerInfer(program: Command, io: Io, argv: readonly string[], onError: OnError, setCode: (code: number) => void): void {
  program.command('infer')
    .description('fit a model and print a summary of the posterior')
    .argument('<model>', 'a .glmm model file')
    .addOption(new Option('--engine <name>', 'inference engine').choices(ENGINES).default('laplace'))
    .option('--data <file>', 'data file (CSV or CSV.gz), overriding the data block')
    .option(...ALLOW_PATH)
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
    .addOption(new Option('--parametrisation <how>', 'MCMC: sample each hierarchy centred where the data inform its groups strongly, non-centred where they do not (auto), as the model writes it, or all one way; the posterior is the same').choices([...PARAMETRISATIONS]).default('auto'))
    .option('--threads <n>', 'MCMC: worker threads for the chains (default: one per chain, up to the cores; a small model runs them in this thread); the draws do not depend on it', intOption('--threads', 1))
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
    .option('--reml', 'restricted maximum likelihood (lme4\'s default for Gaussian models): fixed effects integrated out too (laplace engine)', false)
    .option('--progress', 'laplace, MCMC and VI: draw the progress line on stderr even when it is not a terminal (it always is on one)', false)
    .option('--runs <k>', 'fit K times with seeds seed..seed+K-1 and report the run-to-run sd of every mean', intOption('--runs', 1), 1)
    .option('--plot <dir>', 'write plots (SVG and PNG) to this folder: forest, densities, trace and rank (MCMC), elbo (VI)')
    .option('--contrast <expr>', 'report a function of the parameters with P(>0), e.g. "beta[T : R : diseased] - beta[T : R : healthy]" (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(async (model: string, opts: InferOpts, cmd: Command) => {
      try {
        opts.data = chosenDataPath(model, opts.data, opts.allowPath);
      } catch (e) {
        onError(e, [model]);
        return;
      }
      const inapplicable = inapplicableOption(opts.engine, cmd);
      if (inapplicable) cmd.error(`error: ${inapplicable}`);
      const mcmc = opts.engine === 'nuts' || opts.engine === 'hmc';
      const chainsOn = (threads?: number): ReturnType<typeof parallelChains> =>
        parallelChains({ modelPath: model, dataPath: opts.data, ml: opts.ml, backend: opts.backend, chains: opts.chains, threads });
      // MCMC's worker threads start first, to load the model while this thread does; unless the model may
      // be small (small_model.ts), in which case it is loaded first and, if small, its chains run here.
      let parallel = mcmc && (opts.threads !== undefined || !smallData(model, opts.data)) ? chainsOn(opts.threads) : undefined;
      try {
        let m: Model;
        let fit: Fit;
        try {
          m = loadModel(model, { dataPath: opts.data, ml: opts.ml, reml: opts.reml });
          for (const n of m.notes) io.err(`note: ${n}`);
          if (mcmc && !parallel) parallel = chainsOn(smallModel(m) ? 1 : undefined);
          // --ml and --reml report estimates without draws unless --draws is given.
          const draws = opts.ml || opts.reml ? (cmd.getOptionValueSource('draws') === 'cli' ? opts.draws : undefined) : opts.draws;
          fit = await inferFit(m, { engine: opts.engine, seed: opts.seed, draws, psis: opts.psis, backend: opts.backend, settings: settingsFor(opts, cmd),
            hooks: { ...progressHooks(opts, io), ...parallel?.hooks }, runs: opts.runs, contrasts: opts.contrast });
        } finally {
          if (parallel?.finish()) setCode(130);
          // VI's progress line is redrawn in place; clear it before the summary.
          if (io === stdio && (process.stderr.isTTY || opts.progress) && opts.engine !== 'nuts' && opts.engine !== 'hmc') process.stderr.write('\r\x1b[K');
        }
        const d = describeModel(m);
        io.out(`${opts.engine} fit of ${model}: ${m.nRows} rows, ${d.dim} parameters${fit.weights ? ', PSIS-reweighted' : ''}\n`);
        io.out(d.ml ? estimateTable(fit.summary, fixedEffectNames(m)) : summaryTable(fit.summary));
        if (fit.runs) io.out('\n' + runSpreadTable(fit));
        if (fit.contrasts) io.out('\n' + describeContrasts(fit.contrasts, d.ml));
        io.out('\n' + describeDiagnostics(fit));
        for (const w of fit.warnings) io.err(`warning: ${w.message}`);
        if (opts.out) {
          const run = {
            engine: fit.engine, model, data: opts.data ?? d.dataFile, rows: m.nRows, parameters: d.dim, path: m.reduction,
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
        onError(e, [model], contrastSources(opts.contrast));
      }
    });
}
