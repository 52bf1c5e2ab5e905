import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { initTfjs, tf } from '../../src/compiler/tfjs/backend.js';
import { loadModel } from '../../src/io/load_model.js';
import { ROOT } from '../helpers.js';

// Every engine through the CLI with the tfjs graph forced: each run must free every tensor it made,
// whether it ends in a fit or in an inference error. MCMC keeps its chains in this thread
// (--threads 1), where the tensors it makes are the ones counted here.
const dir = mkdtempSync(join(tmpdir(), 'glimmer-tensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(`${ROOT}models/eight_schools_nc.glmm`, join(dir, 'model.glmm'));
copyFileSync(`${ROOT}models/eight_schools.csv`, join(dir, 'eight_schools.csv'));
// exp(1000 + b^2) overflows for every starting point: the run fails after making its tensors.
writeFileSync(join(dir, 'overflow.csv'), 'y\n1\n3\n2\n');
writeFileSync(join(dir, 'overflow.glmm'), 'data "overflow.csv" { y: count }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = 1000 + b * b) }\n');

const ENGINE_ARGS: Record<string, string[]> = {
  'laplace': ['--engine', 'laplace'],
  'laplace-joint': ['--engine', 'laplace-joint'],
  'laplace --ml': ['--engine', 'laplace', '--ml'],
  'advi': ['--engine', 'advi', '--steps', '1000'],
  'fullrank': ['--engine', 'fullrank', '--steps', '1000'],
  'nuts': ['--engine', 'nuts', '--chains', '2', '--warmup', '50', '--draws', '20', '--threads', '1'],
  'hmc': ['--engine', 'hmc', '--chains', '2', '--warmup', '50', '--draws', '20', '--threads', '1'],
};

async function run(model: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['infer', join(dir, model), '--backend', 'tfjs', '--draws', '100', ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('live tfjs tensors are the same before and after a run', () => {
  beforeAll(async () => {
    // The backend's own start-up allocations happen once per process, not per run.
    await initTfjs();
  });

  it('a tfjs log density holds tensors while it lives, so the counts below can move', async () => {
    const before = tf.memory().numTensors;
    const ld = await loadModel(join(dir, 'model.glmm')).logDensity({ backend: 'tfjs' });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    ld.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const [engine, args] of Object.entries(ENGINE_ARGS)) {
    it(engine, async () => {
      const before = tf.memory().numTensors;
      const r = await run('model.glmm', args);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain('backend tfjs');
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('also when the run fails with an inference error', async () => {
    const before = tf.memory().numTensors;
    const r = await run('overflow.glmm', ['--engine', 'laplace']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[E510\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
