/**
 * Running MCMC chains somewhere else (worker threads, web workers). A fit given
 * `hooks.chains` hands its chains to that runner as ChainJobs, plain data that survives a
 * structured clone; the runner's workers each rebuild the model and call runChainJob, which draws
 * exactly what the chain would have drawn in the fitting thread. Nothing here starts a thread: how
 * threads are made is the host's business: Node's worker threads are src/io/chains/pool.ts (`glimmer-ppl/node`).
 */
export { runChainJob, type ChainControl, type ChainJob, type ChainRunner } from '../engines/nuts/chain_job.js';
export type { ChainOutput } from '../engines/nuts/chain.js';
