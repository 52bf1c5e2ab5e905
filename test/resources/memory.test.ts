import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LogDensity } from '../../src/core/log_density.js';
import { initTfjs, tf } from '../../src/compiler/tfjs/backend.js';
import { loadRepoModel } from '../helpers.js';

// A full collection before each reading, so that the heap compares what is live, not what is garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const WARMUP = 1000;
const EVALUATIONS = 10_000;
/**
 * Heap growth allowed over 10,000 evaluations after warm-up. Repeated rounds on these models move the
 * live heap by -0.25 to +0.25 MB (V8's own bookkeeping); keeping one gradient per evaluation adds
 * 10,000 x (8 dim + ~120) bytes: 2.0 MB measured on the 10 parameters of the eight schools, more on
 * the 37 of ZEB2. So 1 MB is four times the noise and half the smallest real leak.
 */
const HEAP_TOLERANCE = 1e6;

interface Reading {
  readonly heap: number;
  readonly tensors: number;
  readonly wasmBytes: number;
}

function read(): Reading {
  gc();
  gc();
  const wasm = (tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength : 0);
  return { heap: process.memoryUsage().heapUsed, tensors: tf.memory().numTensors, wasmBytes: wasm };
}

/** Readings after warm-up and after EVALUATIONS more value-and-gradient calls at points that keep moving. */
function measure(ld: LogDensity): [Reading, Reading] {
  const theta = new Float64Array(ld.dim).fill(0.1);
  for (let i = 0; i < WARMUP; i++) ld.valueAndGrad(theta);
  const before = read();
  let finite = 0;
  for (let i = 0; i < EVALUATIONS; i++) {
    theta[i % ld.dim] += 1e-6;
    if (Number.isFinite(ld.valueAndGrad(theta).value)) finite++;
  }
  const after = read();
  expect(finite).toBe(EVALUATIONS);
  return [before, after];
}

describe('memory stays flat over 10,000 log-density evaluations', () => {
  beforeAll(async () => {
    await initTfjs();
  });

  it('float64 JS on ZEB2 reduced to 160 cells', async () => {
    const ld = await loadRepoModel('zeb2.glmm').logDensity({ backend: 'js' });
    const [a, b] = measure(ld);
    ld.dispose();
    expect(b.heap - a.heap).toBeLessThan(HEAP_TOLERANCE);
    expect(b.tensors).toBe(a.tensors);
  });

  it('float64 JS on the eight schools, row-wise', async () => {
    const ld = await loadRepoModel('eight_schools_nc.glmm', { reduce: false }).logDensity({ backend: 'js' });
    const [a, b] = measure(ld);
    ld.dispose();
    expect(b.heap - a.heap).toBeLessThan(HEAP_TOLERANCE);
  });

  it('the tfjs graph on the eight schools: no tensor and no wasm memory more', async () => {
    const ld = await loadRepoModel('eight_schools_nc.glmm').logDensity({ backend: 'tfjs' });
    expect(ld.backend).toBe('tfjs');
    const [a, b] = measure(ld);
    ld.dispose();
    expect(b.tensors).toBe(a.tensors);
    // The wasm heap only ever grows, by whole pages; after warm-up a steady state needs none.
    expect(b.wasmBytes).toBe(a.wasmBytes);
    expect(b.heap - a.heap).toBeLessThan(HEAP_TOLERANCE);
  });
});
