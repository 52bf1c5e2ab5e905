import { median, timeNodeProcess } from './timing.js';

/** One `ppl infer` configuration timed from process start to exit. */
export interface EndToEndTiming {
  readonly engine: string;
  readonly model: string;
  readonly backend: 'auto' | 'tfjs';
  /** Median wall seconds of the kept runs. */
  readonly seconds: number;
  readonly runs: number;
  readonly all: readonly number[];
}

export const CLI = 'bin/ppl.js';

export function inferArgs(model: string, engine: string, backend: 'auto' | 'tfjs'): string[] {
  return [CLI, 'infer', model, '--engine', engine, ...(backend === 'auto' ? [] : ['--backend', backend])];
}

/** Above this many seconds for the warm-up run, one more run is all the time budget allows. */
const SLOW_RUN_SECONDS = 20;

/**
 * Median of `runs` runs after one warm-up (the warm-up fills the file cache and is discarded). An
 * engine slow enough to break the bench's time budget (a sampler, later) is timed once more only.
 */
export async function timeInfer(root: string, model: string, engine: string, backend: 'auto' | 'tfjs', runs: number, warmup = 1): Promise<EndToEndTiming> {
  const args = inferArgs(model, engine, backend);
  let warmSeconds = 0;
  for (let i = 0; i < warmup; i++) warmSeconds = (await timeNodeProcess(args, root)) / 1000;
  const n = warmSeconds > SLOW_RUN_SECONDS ? 1 : runs;
  const all: number[] = [];
  for (let i = 0; i < n; i++) all.push((await timeNodeProcess(args, root)) / 1000);
  return { engine, model, backend, seconds: median(all), runs: n, all };
}
