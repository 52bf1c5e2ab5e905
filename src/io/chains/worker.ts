import { parentPort, workerData } from 'node:worker_threads';
import { loadModel } from '../load_model.js';
import { runChainJob } from '../../api/chains.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';

/** Progress messages at most this often: enough for a smooth bar, negligible next to the chain. */
const PROGRESS_MS = 50;

const port = parentPort!;
const { recipe, stop } = workerData as WorkerInit;
const send = (m: FromWorker): void => port.postMessage(m);

function failure(e: unknown): FromWorker {
  const err = e as Error & { code?: string; hint?: string };
  return { type: 'failed', error: { name: err?.name ?? 'Error', code: err?.code, message: err?.message ?? String(e), hint: err?.hint, stack: err?.stack } };
}

try {
  const model = loadModel(recipe.modelPath, { dataPath: recipe.dataPath, ml: recipe.ml });
  const ld = await model.logDensity({ backend: recipe.backend });
  port.on('message', (m: ToWorker) => {
    if (m.type === 'exit') {
      ld.dispose();
      port.close();
      return;
    }
    try {
      let iteration = 0;
      let last = 0;
      const output = runChainJob(ld, m.job, {
        onIteration: () => {
          iteration++;
          const t = performance.now();
          if (t - last < PROGRESS_MS) return;
          last = t;
          send({ type: 'progress', chain: m.job.chain, iteration });
        },
        shouldStop: () => Atomics.load(stop, 0) !== 0,
      });
      send({ type: 'progress', chain: m.job.chain, iteration });
      send({ type: 'done', chain: m.job.chain, output });
    } catch (e) {
      send(failure(e));
    }
  });
  send({ type: 'ready' });
} catch (e) {
  send(failure(e));
}
