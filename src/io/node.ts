/**
 * The library's Node entry (`glimmer-ppl/node`): what needs the file system or threads, beside the
 * browser-safe core (`glimmer-ppl`). Models read from files, and worker threads for MCMC chains, lent to
 * infer() as `hooks: { chains: { runner: pool.runner, threads } }` (the CLI's own pool).
 */
export * from './load_model.js';
export { defaultThreads, startWorkerPool, type WorkerPool } from './chains/pool.js';
export type { ModelRecipe } from './chains/protocol.js';
