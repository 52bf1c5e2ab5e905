import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { parseModel } from '../api/compile.js';
import { ENGINES, DEFAULT_SEED, type EngineName } from '../api/infer.js';
import {
  appendPartial, cellTable, columnSpecs, coordinate, fitGenes, serveQueue, genesCsv, PARTIAL, readCountMatrix, readPartial, resultsCsv, RESPONSE, startPartial, statusSummary,
  type CountMatrix, type GeneJob, type GeneResult, type GenesWorkerInit,
} from '../api/genes.js';
import { suggest, userError } from '../api/errors.js';
import { readModelSource } from '../io/load_model.js';
import { readTextFile } from '../io/read_data.js';
import { makeFolder } from '../io/folders.js';
import { intOption, type Io } from './io.js';
import { writeOutputs } from './output.js';

interface FitGenesOpts {
  out: string; cells?: string; layer?: string; genes: string; engine: EngineName; ml: boolean; reml: boolean;
  contrast: string[]; workers?: number; resume: boolean; seed: number; draws?: number; queue?: string; chunk: number;
}

type OnError = (e: unknown, files: readonly string[]) => void;

export function registerFitGenes(program: Command, io: Io, tty: boolean, onError: OnError): void {
  program.command('fit-genes')
    .description('fit a model to every gene of a single-cell count matrix (its response column is named gene)')
    .argument('<model>', "a .glmm model file whose data block declares a count column 'gene'")
    .argument('<data>', 'counts: a .h5ad file, a 10x .h5 file, or a Matrix Market folder (matrix.mtx.gz, features.tsv.gz, barcodes.tsv.gz)')
    .requiredOption('--out <dir>', 'write results.csv (one row per gene and quantity) and genes.csv (one row per gene) to this folder')
    .option('--cells <file>', "cell metadata as CSV, joined on its 'barcode' column (or its first); default: the .h5ad file's obs")
    .option('--layer <name>', '.h5ad: read this layer (e.g. counts) instead of X')
    .option('--genes <which>', "all, a file with one gene name per line, or names separated by commas", 'all')
    .addOption(new Option('--engine <name>', 'inference engine for each gene').choices(ENGINES).default('laplace'))
    .option('--ml', 'maximum likelihood, as lme4 and glmmTMB (laplace engine)', false)
    .option('--reml', 'restricted maximum likelihood (laplace engine)', false)
    .option('--contrast <expr>', 'report a function of the parameters for every gene (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--workers <n>', 'worker threads (default: the cores); 0 fits in the main thread. The results do not depend on it', intOption('--workers', 0))
    .option('--resume', 'continue an interrupted run with the same command and --out: fit only the genes it has not finished', false)
    .option('--seed <n>', 'random seed (every gene uses it)', intOption('--seed', 0), DEFAULT_SEED)
    .option('--draws <n>', 'draws per gene (posterior engines)', intOption('--draws', 10))
    .option('--queue <url>', 'put the genes on a BullMQ queue at redis://HOST:PORT for `ppl worker` processes on any machine, and wait for their results')
    .option('--chunk <n>', '--queue: genes per job', intOption('--chunk', 1), 50)
    .action(async (model: string, data: string, opts: FitGenesOpts) => {
      try {
        await run(model, data, opts, io, tty);
      } catch (e) {
        onError(e, [model]);
      }
    });
}

async function run(modelPath: string, dataPath: string, opts: FitGenesOpts, io: Io, tty: boolean): Promise<void> {
  const t0 = performance.now();
  const source = readModelSource(modelPath);
  const program = parseModel(source, modelPath);
  const { specs } = columnSpecs(program);
  const response = specs.find((s) => s.name === RESPONSE);
  if (!response) {
    throw userError('E446', `${modelPath}: the data block declares no column '${RESPONSE}'`, {
      span: program.data?.span, hint: `fit-genes puts each gene's counts in the column '${RESPONSE}': declare it (gene: count) and use it as the response`,
    });
  }
  const matrix = await readCountMatrix(dataPath, { layer: opts.layer });
  const cellsCsv = opts.cells === undefined ? undefined : { text: readTextFile(opts.cells), file: opts.cells };
  const cells = cellTable(matrix, specs, cellsCsv);
  const indices = selectGenes(matrix, opts.genes);
  const key = runKey(source, dataPath, opts);
  try {
    makeFolder(opts.out);
  } catch (e) {
    throw userError('E405', `cannot write the results to ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: 'choose a writable folder with --out' });
  }
  const { lineOf: _lineOf, ...plainCells } = cells;
  const init: GenesWorkerInit = { source, fileName: modelPath, cells: plainCells, engine: opts.engine, ml: opts.ml, reml: opts.reml, seed: opts.seed, draws: opts.draws, contrasts: opts.contrast };
  if (opts.queue) {
    // The queue keeps every finished gene in Redis under the run's key: the same command again resumes.
    io.out(`fit-genes: ${modelPath} on ${indices.length} genes x ${matrix.cells.length} cells of ${dataPath}, on the queue at ${opts.queue} (run ${key})\n`);
    const results = await coordinate(init, matrix, indices, {
      url: opts.queue, run: key, chunkSize: opts.chunk,
      onProgress: tty ? (n, total) => process.stderr.write(`\r  ${n} / ${total} genes`) : undefined,
      onFailure: (chunk, reason) => io.err(`warning: chunk ${chunk} failed: ${reason}`),
    });
    if (tty) process.stderr.write('\n');
    finish(results, opts, io, t0, results.length);
    return;
  }
  const done = opts.resume ? readPartial(opts.out, key) : undefined;
  if (!done) startPartial(opts.out, key);
  const todo = indices.filter((g) => !done?.has(matrix.genes[g]));
  const workers = opts.workers ?? availableParallelism();
  const job: GeneJob = { program, source, fileName: modelPath, cells, engine: opts.engine, ml: opts.ml, reml: opts.reml, seed: opts.seed, draws: opts.draws, contrasts: opts.contrast };
  io.out(`fit-genes: ${modelPath} on ${indices.length} genes x ${matrix.cells.length} cells of ${dataPath}${done ? ` (resuming: ${indices.length - todo.length} done)` : ''}, ${workers} worker${workers === 1 ? '' : 's'}\n`);
  const fitted = await fitGenes(job, init, matrix, todo, {
    workers,
    onResult: (_, r) => appendPartial(opts.out, r),
    onProgress: tty ? (n, total) => process.stderr.write(`\r  ${n} / ${total} genes`) : undefined,
  });
  if (tty) process.stderr.write('\n');
  const byGene = new Map<string, GeneResult>([...(done ?? new Map<string, GeneResult>()), ...fitted.map((r) => [r.gene, r] as const)]);
  finish(indices.map((g) => byGene.get(matrix.genes[g])!), opts, io, t0, fitted.length);
  rmSync(join(opts.out, PARTIAL), { force: true });
}

/** Writes the two files and prints the count of each status. */
function finish(results: readonly GeneResult[], opts: FitGenesOpts, io: Io, t0: number, fitted: number): void {
  writeOutputs(opts.out, { 'results.csv': resultsCsv(results, opts.ml || opts.reml), 'genes.csv': genesCsv(results) });
  const seconds = (performance.now() - t0) / 1000;
  io.out(`${results.length} genes in ${seconds.toFixed(1)} s (${(fitted / seconds).toFixed(1)} genes/s fitted this run); status:\n${statusSummary(results)}\n`);
  io.out(`wrote ${opts.out}/results.csv, genes.csv`);
}

/** `ppl worker redis://HOST:PORT`: takes fit-genes chunks off the queue until stopped (Ctrl-C, SIGTERM). */
export function registerWorker(program: Command, io: Io, onError: OnError): void {
  program.command('worker')
    .description('take fit-genes jobs from a BullMQ queue (started by fit-genes --queue) until stopped')
    .argument('<url>', 'the queue\'s Redis, redis://HOST:PORT')
    .option('--lock-seconds <n>', 'a worker silent this long is taken for dead and its chunk handed to another', intOption('--lock-seconds', 1), 30)
    .action(async (url: string, opts: { lockSeconds: number }) => {
      try {
        const w = await serveQueue({ url, lockSeconds: opts.lockSeconds, onChunk: (run, chunk, n) => io.out(`run ${run}: chunk ${chunk} (${n} genes)`) });
        io.out(`worker ${process.pid}: waiting for fit-genes chunks on ${url} (Ctrl-C to stop)`);
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            void w.stop().then(resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      } catch (e) {
        onError(e, []);
      }
    });
}

/** The genes to fit, as indices into the matrix: all, the names in a file, or names separated by commas. */
function selectGenes(m: CountMatrix, which: string): number[] {
  if (which === 'all') return m.genes.map((_, i) => i);
  const names = existsSync(which) && statSync(which).isFile()
    ? readFileSync(which, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')
    : which.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const index = new Map(m.genes.map((g, i) => [g, i]));
  const unknown = names.filter((n) => !index.has(n));
  if (unknown.length > 0) {
    const near = suggest(unknown[0], m.genes);
    throw userError('E447', `${unknown.length} gene${unknown.length === 1 ? '' : 's'} not in ${m.source}: ${unknown.slice(0, 3).map((n) => `'${n}'`).join(', ')}${unknown.length > 3 ? ', ...' : ''}`,
      { hint: near ? `did you mean '${near}'?` : `the file names its genes ${m.genes.slice(0, 3).map((g) => `'${g}'`).join(', ')}, ...` });
  }
  return [...new Set(names.map((n) => index.get(n)!))].sort((a, b) => a - b);
}

/** What makes two runs the same job, for --resume: the model, the data and every setting that changes a result (not --genes or --workers). */
export function runKey(source: string, dataPath: string, o: Pick<FitGenesOpts, 'cells' | 'layer' | 'engine' | 'ml' | 'reml' | 'seed' | 'draws' | 'contrast'>): string {
  const parts = [source, dataPath, o.cells ?? '', o.layer ?? '', o.engine, o.ml, o.reml, o.seed, o.draws ?? '', ...o.contrast];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
