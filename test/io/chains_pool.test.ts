import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { loadModel, startWorkerPool } from '../../src/io/node.js';
import { ROOT } from '../helpers.js';

// The Node entry lends an app the CLI's worker threads for MCMC chains: the same draws as in its own thread.
describe('worker threads for the chains, from glimmer-ppl/node', () => {
  it('give the summary the calling thread gives', async () => {
    const modelPath = join(ROOT, 'models/eight_schools.glmm');
    const model = loadModel(modelPath);
    const settings = { chains: 2, warmup: 150, drawsPerChain: 100 };
    const pool = startWorkerPool({ modelPath, ml: false, backend: 'auto' }, 2, new Int32Array(new SharedArrayBuffer(4)));
    try {
      const threaded = await inferFit(model, { engine: 'nuts', seed: 4, settings, hooks: { chains: { runner: pool.runner, threads: 2 } } });
      const here = await inferFit(model, { engine: 'nuts', seed: 4, settings });
      expect(threaded.summary).toEqual(here.summary);
      expect(threaded.draws.length).toBe(200);
    } finally {
      pool.close();
    }
  }, 60_000);
});
