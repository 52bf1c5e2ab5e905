import type { BackendName } from '../../api/backend_choice.js';
import type { InferHooks } from '../../api/infer_options.js';
import { defaultThreads, startWorkerPool } from '../../io/chains/pool.js';

export interface ParallelChains {
  /** Hooks to lend the engine: the runner with its thread count and the Ctrl-C flag, or nothing (chains in this thread). */
  readonly hooks: Pick<InferHooks, 'chains' | 'shouldStop'>;
  /** Ends the workers and removes the Ctrl-C handler; true if the user pressed Ctrl-C during the run. */
  finish(): boolean;
}

/**
 * MCMC chains on worker threads for `ppl infer`, and Ctrl-C: the first press asks every chain to stop
 * and the run ends with the draws made so far; a second press exits at once. With one thread (or
 * `--backend measure`, whose choice a worker could make differently) the chains run in this thread and
 * Ctrl-C keeps its usual meaning.
 */
export function parallelChains(o: { modelPath: string; dataPath?: string; ml: boolean; backend: BackendName; chains: number; threads?: number }): ParallelChains {
  const threads = Math.min(o.threads ?? defaultThreads(o.chains), o.chains);
  if (threads <= 1 || o.backend === 'measure') return { hooks: {}, finish: () => false };
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const onSigint = (): void => {
    if (Atomics.load(stop, 0) !== 0) process.exit(130);
    Atomics.store(stop, 0, 1);
    process.stderr.write('\nstopping: finishing the current transition of every chain (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  // Started now, so that the workers load the model while this thread does the same.
  const pool = startWorkerPool({ modelPath: o.modelPath, dataPath: o.dataPath, ml: o.ml, backend: o.backend }, threads, stop);
  return {
    hooks: { chains: { runner: pool.runner, threads }, shouldStop: () => Atomics.load(stop, 0) !== 0 },
    finish: () => {
      pool.close();
      process.off('SIGINT', onSigint);
      return Atomics.load(stop, 0) !== 0;
    },
  };
}
