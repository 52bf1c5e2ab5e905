import { loadModel } from '../src/io/load_model.js';
import { emitCompiledJs } from '../src/compiler/codegen/compiled.js';
import { initTfjs } from '../src/compiler/tfjs/backend.js';
import { emitTfjs } from '../src/compiler/tfjs/emit.js';
import { DEFAULT_POLICY, timeInfer } from './end_to_end.js';
import { nearPosterior, timePoints } from './log_density.js';
import type { SimulatedModel } from './simulate.js';
import { median, runNode } from './timing.js';

/** The measured columns of the scaling table, in their order. */
export const SCALING_COLUMNS = [
  { key: 'inferS', label: 'ppl infer (s)' },
  { key: 'loadS', label: 'load + compile (s)' },
  { key: 'tfjsBuildS', label: 'tfjs graph build (s)' },
  { key: 'tfjsK1Ms', label: 'row-wise tfjs, K=1 (ms/call)' },
  { key: 'tfjsK16Ms', label: 'row-wise tfjs, K=16 (ms/point)' },
  { key: 'jsRowMs', label: 'row-wise float64 JS (ms/call)' },
] as const;

export type ScalingKey = (typeof SCALING_COLUMNS)[number]['key'];

export type ScalingRow = { readonly rows: number; readonly cells: number; readonly fileMB: number } & Record<ScalingKey, number>;

/** What one fresh process measures of a simulated size (bench/scaling_worker.ts prints it as JSON). */
export type InProcessTimings = Pick<ScalingRow, 'cells' | 'loadS' | 'tfjsBuildS' | 'tfjsK1Ms' | 'tfjsK16Ms' | 'jsRowMs'>;

/**
 * The median of 5 timed runs after a warm-up one, each started from a collected heap (the worker runs
 * with --expose-gc), as a user's `ppl infer` starts in a fresh process: otherwise a load of 10^6 rows
 * also pays for collecting the previous one's 60 MB of garbage, and the first run of a process pays for
 * compiling its code, whatever the size.
 */
async function cleanHeapMedianMs(fn: () => unknown): Promise<number> {
  const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => undefined);
  const ms: number[] = [];
  for (let i = 0; i < 6; i++) {
    collect();
    const t0 = performance.now();
    await fn();
    if (i > 0) ms.push(performance.now() - t0);
  }
  return median(ms);
}

/**
 * Reading and compiling (file -> checked, lowered, reduced model and its log density), building the
 * row-wise tfjs graph (each the median of 5 after a warm-up), and the row-wise log density's value+gradient.
 */
export async function measureInProcess(modelPath: string): Promise<InProcessTimings> {
  const loadS = (await cleanHeapMedianMs(async () => (await loadModel(modelPath).logDensity()).dispose())) / 1000;
  const model = loadModel(modelPath);
  await initTfjs();
  const tfjsBuildS = (await cleanHeapMedianMs(() => emitTfjs(model.rowwiseIr).dispose())) / 1000;
  const rowTf = emitTfjs(model.rowwiseIr);
  const theta = nearPosterior(rowTf);
  // A second of warm-up: tfjs on wasm takes a few hundred small calls to settle, and loading left garbage behind.
  const opts = { samples: 50, warmupCalls: 5, warmupMs: 1000 };
  let tfjsK1Ms: number;
  let tfjsK16Ms: number;
  try {
    tfjsK1Ms = timePoints(rowTf, theta, 1, opts).msPerPoint;
    tfjsK16Ms = timePoints(rowTf, theta, 16, opts).msPerPoint;
  } finally {
    rowTf.dispose();
  }
  const rowJs = emitCompiledJs(model.rowwiseIr);
  const jsRowMs = timePoints(rowJs, theta, 1, opts).msPerPoint;
  rowJs.dispose();
  return { cells: model.ir.data.nRows, loadS, tfjsBuildS, tfjsK1Ms, tfjsK16Ms, jsRowMs };
}

export const WORKER = 'bench/scaling_worker.ts';
const WORKER_RUNS = 3;

/**
 * One simulated size: `ppl infer` from process start (see timeInfer), then the in-process timings in
 * fresh Node processes (the median of three), so that no size inherits another's heap, garbage or tfjs memory.
 */
export async function measureSize(root: string, sim: SimulatedModel, runs: number): Promise<ScalingRow> {
  const infer = await timeInfer(root, sim.modelPath, 'laplace', 'auto', { ...DEFAULT_POLICY, runs });
  // Three fresh processes, each column their median: one process's numbers move by 10-30% on this
  // shared machine from one minute to the next, as much as the growth the table is there to show.
  const processes: InProcessTimings[] = [];
  for (let i = 0; i < WORKER_RUNS; i++) {
    const { stdout } = await runNode(['--expose-gc', '--import', 'tsx', WORKER, sim.modelPath], root);
    processes.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as InProcessTimings);
  }
  const med = (key: keyof InProcessTimings): number => median(processes.map((r) => r[key]));
  const inProcess: InProcessTimings = {
    cells: processes[0].cells, loadS: med('loadS'), tfjsBuildS: med('tfjsBuildS'), tfjsK1Ms: med('tfjsK1Ms'), tfjsK16Ms: med('tfjsK16Ms'), jsRowMs: med('jsRowMs'),
  };
  return { rows: sim.rows, fileMB: sim.bytes / 1e6, inferS: infer.seconds, ...inProcess };
}

export interface Growth {
  readonly key: ScalingKey;
  readonly ratio: number;
  readonly rowsRatio: number;
  readonly linear: boolean;
}

/** Timing noise on a shared machine: a ratio up to 10% above the rows' ratio still counts as linear. */
export const LINEAR_TOLERANCE = 1.1;

/** How each column grows from one size to the next (10^5 -> 10^6 in the default run). */
export function growth(from: ScalingRow, to: ScalingRow): Growth[] {
  const rowsRatio = to.rows / from.rows;
  return SCALING_COLUMNS.map(({ key }) => {
    const ratio = to[key] / from[key];
    return { key, ratio, rowsRatio, linear: ratio <= rowsRatio * LINEAR_TOLERANCE };
  });
}
