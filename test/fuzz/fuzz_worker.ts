import { parentPort } from 'node:worker_threads';
import { checkMutant } from './check_mutant.js';
import { loadSeeds } from './seeds.js';

/**
 * Checks mutants for scripts/fuzz.ts in a worker thread, so that a mutant that never finishes can be
 * stopped (the thread is terminated) and reported as a hang instead of stalling the run.
 * Message in: { index, seedIndex, text }; out: { index, outcome }.
 */
const seeds = loadSeeds();
parentPort?.on('message', async (job: { index: number; seedIndex: number; text: string }) => {
  const outcome = await checkMutant(job.text, seeds[job.seedIndex]);
  parentPort?.postMessage({ index: job.index, outcome });
});
