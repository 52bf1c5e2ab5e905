import { median, runProcess, timeNodeProcess } from './timing.js';

/** One `ppl infer` configuration timed from process start to exit. */
export interface EndToEndTiming {
  readonly engine: string;
  readonly model: string;
  readonly backend: 'auto' | 'tfjs';
  /** Median wall seconds of the kept runs. */
  readonly seconds: number;
  readonly runs: number;
  readonly all: readonly number[];
  /** Whether a discarded warm-up run came first. */
  readonly warmedUp: boolean;
  /** Further arguments, e.g. ['--runs', '10']. */
  readonly extra?: readonly string[];
}

export const CLI = 'bin/ppl.js';

export function inferArgs(model: string, engine: string, backend: 'auto' | 'tfjs', extra: readonly string[] = []): string[] {
  return [CLI, 'infer', model, '--engine', engine, ...(backend === 'auto' ? [] : ['--backend', backend]), ...extra];
}

export interface RunPolicy {
  /** Runs kept after the warm-up when a run is quick. */
  readonly runs: number;
  /** A first run longer than this (seconds) is slow: it is kept, not discarded as a warm-up. */
  readonly slowSeconds: number;
  /** A slow configuration gets more runs (up to `runs`) only while its total stays under this (seconds). */
  readonly slowBudgetSeconds: number;
}

export const DEFAULT_POLICY: RunPolicy = { runs: 5, slowSeconds: 5, slowBudgetSeconds: 25 };

/**
 * Median of `policy.runs` runs after one discarded warm-up (which fills the file cache and the OS's
 * caches of node and the bundle). A slow configuration (a sampler: 10-20 s a run) would break the
 * bench's five minutes that way, so its first run is kept and more follow only within a budget.
 */
export async function timeInfer(root: string, model: string, engine: string, backend: 'auto' | 'tfjs', policy: RunPolicy = DEFAULT_POLICY): Promise<EndToEndTiming> {
  const args = inferArgs(model, engine, backend);
  const run = async (): Promise<number> => (await timeNodeProcess(args, root)) / 1000;
  const first = await run();
  const slow = first > policy.slowSeconds;
  const all: number[] = slow ? [first] : [];
  while (all.length < policy.runs) {
    const spent = all.reduce((a, b) => a + b, 0);
    if (slow && spent + first > policy.slowBudgetSeconds) break;
    all.push(await run());
  }
  return { engine, model, backend, seconds: median(all), runs: all.length, all, warmedUp: !slow };
}

/** One run, no warm-up (for a configuration measured once, after others have warmed the caches). */
export async function timeInferOnce(root: string, model: string, engine: string, backend: 'auto' | 'tfjs', extra: readonly string[] = []): Promise<EndToEndTiming> {
  const seconds = (await timeNodeProcess(inferArgs(model, engine, backend, extra), root)) / 1000;
  return { engine, model, backend, seconds, runs: 1, all: [seconds], warmedUp: false, extra };
}

/** The README's main command as a user types it, beside the same command through `node`. */
export interface ReadmeTiming {
  readonly command: string;
  /** Median wall seconds of `./bin/ppl.js ARGS` (the shebang finds node on the PATH). */
  readonly asTyped: number;
  /** Median wall seconds of `node bin/ppl.js ARGS`, the bench's usual form. */
  readonly viaNode: number;
  readonly runs: number;
}

/**
 * `./bin/ppl.js infer MODEL`, as the README says, and `node bin/ppl.js infer MODEL`, alternated after a
 * warm-up of each so that the machine's drift falls on both: issue 14's goal is at most 0.2 s between them.
 */
export async function timeReadmeCommand(root: string, model: string, runs: number): Promise<ReadmeTiming> {
  const args = ['infer', model];
  const typed = async (): Promise<number> => (await runProcess(`./${CLI}`, args, root)).ms / 1000;
  const node = async (): Promise<number> => (await timeNodeProcess([CLI, ...args], root)) / 1000;
  await typed();
  await node();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await typed());
    b.push(await node());
  }
  return { command: `./${CLI} ${args.join(' ')}`, asTyped: median(a), viaNode: median(b), runs };
}
