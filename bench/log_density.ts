import type { LogDensity } from '../src/core/log_density.js';
import type { Model } from '../src/api/compile.js';
import { emitCompiledJs } from '../src/compiler/codegen/compiled.js';
import { initTfjs, tf } from '../src/compiler/tfjs/backend.js';
import { timeCalls, type CallTimingOptions } from './timing.js';

/** One measured path: ms per value+gradient per point, for a batch of K points. */
export interface LogDensityTiming {
  readonly path: string;
  readonly rows: number;
  readonly k: number;
  readonly msPerPoint: number;
  readonly calls: number;
  /** What tfjs-notes.md measured for a comparable formulation, in ms per point, if it did. */
  readonly notes?: { readonly text: string; readonly ms: number };
}

/** A point near the ZEB2 posterior: log-rates per unit total_count are about -9, everything else 0. */
export function nearPosterior(ld: LogDensity): Float64Array {
  return Float64Array.from(ld.thetaNames, (name) => (name.startsWith('beta[') ? -9 : 0));
}

/** Times valueAndGradBatch on K copies of theta (slightly apart, so nothing can be shared); ms per point. */
export function timePoints(ld: LogDensity, theta: Float64Array, k: number, options: CallTimingOptions = {}): { msPerPoint: number; calls: number } {
  const points = Array.from({ length: k }, (_, i) => theta.map((x) => x + 1e-3 * i));
  const t = k === 1 ? timeCalls(() => ld.valueAndGrad(points[0]), options) : timeCalls(() => ld.valueAndGradBatch(points), options);
  return { msPerPoint: t.msPerCall / k, calls: t.samples * t.callsPerSample };
}

/** Tensors alive before and after a tfjs measurement: a growing count is a leak in the graph. */
export function tensorCount(): number {
  return tf.memory().numTensors;
}

export interface LogDensityReport {
  readonly timings: LogDensityTiming[];
  readonly tfjsBackend: string;
  readonly leakedTensors: number;
}

/**
 * The log-density paths of one model: reduced float64 JS (what `ppl infer` runs), row-wise float64 JS,
 * and row-wise tfjs (float32, one point and batches of 4 and 16). `notes` are tfjs-notes.md's numbers
 * for the same formulation on this kind of machine, to see at a glance when a path has regressed.
 */
export async function measureLogDensities(model: Model, timing: CallTimingOptions = {}): Promise<LogDensityReport> {
  // tfjs on wasm takes a few hundred calls to settle (per-call time falls from ~2 ms to ~1 ms): warm up for a second.
  const options = { samples: 100, warmupMs: 1000, ...timing };
  const timings: LogDensityTiming[] = [];
  const rows = model.rowwiseIr.data.nRows;
  const reduced = await model.logDensity({ backend: 'js' });
  const theta = nearPosterior(reduced);
  try {
    const cells = model.ir.data.nRows;
    const path = model.ir.reduction ? `reduced to ${cells} cells, float64 JS` : 'not reduced, float64 JS';
    timings.push({ path, rows: cells, k: 1, ...timePoints(reduced, theta, 1, options), notes: { text: '0.0015-0.002 (hand-written loop)', ms: 0.002 } });
  } finally {
    reduced.dispose();
  }
  const rowJs = emitCompiledJs(model.rowwiseIr);
  try {
    timings.push({ path: 'row-wise, float64 JS', rows, k: 1, ...timePoints(rowJs, theta, 1, options), notes: { text: '0.97 (hand-written loop)', ms: 0.97 } });
  } finally {
    rowJs.dispose();
  }
  const backend = await initTfjs();
  const before = tensorCount();
  // What the engines get with --backend tfjs: the row terms as a tfjs graph, priors and Jacobians in float64 JS.
  const rowTf = await model.logDensity({ backend: 'tfjs' });
  const expected: Record<number, { text: string; ms: number }> = {
    1: { text: '0.86-0.91', ms: 0.91 }, 4: { text: '0.60', ms: 0.6 }, 16: { text: '0.54', ms: 0.54 },
  };
  try {
    for (const k of [1, 4, 16]) {
      // tfjs-notes measured the wasm backend; on the cpu fallback there is nothing to compare with.
      const notes = backend === 'wasm' ? expected[k] : undefined;
      timings.push({ path: `row-wise, tfjs ${backend} float32`, rows, k, ...timePoints(rowTf, theta, k, options), notes });
    }
  } finally {
    rowTf.dispose();
  }
  return { timings, tfjsBackend: backend, leakedTensors: tensorCount() - before };
}
