import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceError } from '../../api/errors.js';
import type { ChainOutput, ChainRunner } from '../../api/chains.js';
import type { FromWorker, ModelRecipe, ToWorker, WorkerFailure, WorkerInit } from './protocol.js';

/** One thread per chain, up to the cores there are. */
export function defaultThreads(chains: number): number {
  return Math.max(1, Math.min(chains, availableParallelism()));
}

/**
 * The worker's entry: in the CLI bundle (dist/bundle) its own bundled file; in tsc's output the module
 * beside this one; from the TypeScript source (tests, scratch scripts) a bootstrap that loads tsx first.
 */
function spawn(init: WorkerInit): Worker {
  const bundled = new URL('./chain_worker.mjs', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? new URL('./worker_from_source.mjs', import.meta.url)
    : existsSync(fileURLToPath(bundled)) ? bundled : new URL('./worker.js', import.meta.url);
  return new Worker(url, { workerData: init });
}

function rebuild(e: WorkerFailure): Error {
  if (e.name === 'InferenceError' && e.code) return new InferenceError(e.code, e.message, e.hint);
  const err = new Error(`in a chain worker: ${e.message}`);
  err.stack = e.stack;
  return err;
}

/** Worker threads that load the model once and then run chains, for as many runs as the fit asks. */
export interface WorkerPool {
  readonly runner: ChainRunner;
  /** Ends every worker (they would otherwise keep the process alive). */
  close(): void;
}

type Listener = (w: Worker, m: FromWorker) => void;

/**
 * `threads` workers, started at once so that they rebuild the model while the main thread compiles it
 * too. Each takes the next chain when it finishes one; which thread runs which chain varies, the draws do
 * not, since each chain has its own random stream. `stop` (shared memory) tells every chain to end early.
 * Workers stay loaded between runs (--runs K) until `close`.
 */
export function startWorkerPool(recipe: ModelRecipe, threads: number, stop: Int32Array): WorkerPool {
  const workers = Array.from({ length: threads }, () => spawn({ recipe, stop }));
  const idle = new Set<Worker>();
  let failure: Error | undefined;
  let run: { listener: Listener; fail: (e: Error) => void } | undefined;
  const fail = (e: Error): void => {
    failure ??= e;
    run?.fail(e);
  };
  for (const w of workers) {
    w.on('message', (m: FromWorker) => {
      if (m.type === 'failed') return fail(rebuild(m.error));
      if (m.type === 'ready') idle.add(w);
      run?.listener(w, m);
    });
    w.on('error', (e) => fail(e));
    w.on('exit', (code) => {
      if (code !== 0) fail(new Error(`a chain worker exited with code ${code}`));
    });
  }
  const runner: ChainRunner = (jobs, onProgress) => new Promise<ChainOutput[]>((resolve, reject) => {
    if (failure) return reject(failure);
    const queue = [...jobs];
    const outputs: ChainOutput[] = new Array(jobs.length);
    let done = 0;
    const next = (w: Worker): void => {
      const job = queue.shift();
      if (!job) return;
      idle.delete(w);
      w.postMessage({ type: 'job', job } satisfies ToWorker);
    };
    run = {
      fail: (e) => {
        run = undefined;
        reject(e);
      },
      listener: (w, m) => {
        if (m.type === 'ready') next(w);
        else if (m.type === 'progress') onProgress?.(m.chain, m.iteration);
        else if (m.type === 'done') {
          outputs[jobs.findIndex((j) => j.chain === m.chain)] = m.output;
          idle.add(w);
          next(w);
          if (++done === jobs.length) {
            run = undefined;
            resolve(outputs);
          }
        }
      },
    };
    for (const w of [...idle]) next(w);
  });
  return {
    runner,
    close: () => {
      for (const w of workers) void w.terminate();
    },
  };
}
