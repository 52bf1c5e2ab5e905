import type { ChainJob, ChainOutput } from '../../api/chains.js';
import type { BackendName } from '../../api/backend_choice.js';

/** How a worker rebuilds the model the main thread fitted: the same file, data and options. */
export interface ModelRecipe {
  readonly modelPath: string;
  readonly dataPath?: string;
  readonly ml: boolean;
  /** 'auto' decides by size, so a worker makes the same choice as the main thread. */
  readonly backend: Exclude<BackendName, 'measure'>;
}

export interface WorkerInit {
  readonly recipe: ModelRecipe;
  /** Shared with every worker: element 0 becomes 1 when the user asks to stop (Ctrl-C). */
  readonly stop: Int32Array;
}

/** Main thread -> worker: a chain to run, or no more work. */
export type ToWorker = { readonly type: 'job'; readonly job: ChainJob } | { readonly type: 'exit' };

export interface WorkerFailure {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly hint?: string;
  readonly stack?: string;
}

/** Worker -> main thread. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly chain: number; readonly iteration: number }
  | { readonly type: 'done'; readonly chain: number; readonly output: ChainOutput }
  | { readonly type: 'failed'; readonly error: WorkerFailure };
