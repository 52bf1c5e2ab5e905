import { spawn } from 'node:child_process';

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface CallTiming {
  /** Median over samples of the mean time of one call within a sample, in milliseconds. */
  readonly msPerCall: number;
  readonly samples: number;
  /** Calls per sample: more than one when a single call is too short for the clock to resolve. */
  readonly callsPerSample: number;
}

export interface CallTimingOptions {
  /** Samples to take after warm-up (the median is over these). */
  readonly samples?: number;
  /** A sample lasts at least this long, so that microsecond calls are timed in groups. */
  readonly minSampleMs?: number;
  /** Warm-up: at least this many calls and this many milliseconds (JIT, tfjs kernel caches). */
  readonly warmupCalls?: number;
  readonly warmupMs?: number;
}

/**
 * Times a synchronous call: warm-up, then `samples` samples of `callsPerSample` calls each, and the
 * median of the per-call times. A 2 us call cannot be timed alone (the clock, and the call to it, cost
 * about as much), so calls are grouped until a sample lasts `minSampleMs`.
 */
export function timeCalls(fn: () => void, options: CallTimingOptions = {}): CallTiming {
  const samples = options.samples ?? 50;
  const minSampleMs = options.minSampleMs ?? 2;
  const warmupCalls = options.warmupCalls ?? 5;
  const warmupMs = options.warmupMs ?? 100;
  const w0 = performance.now();
  let warm = 0;
  while (warm < warmupCalls || performance.now() - w0 < warmupMs) {
    fn();
    warm++;
  }
  const perCall = (performance.now() - w0) / warm;
  const callsPerSample = Math.max(1, Math.ceil(minSampleMs / Math.max(perCall, 1e-6)));
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerSample; i++) fn();
    times.push((performance.now() - t0) / callsPerSample);
  }
  return { msPerCall: median(times), samples, callsPerSample };
}

/** Wall milliseconds of a function (sync or async). */
export async function timeOnce(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Median wall time of `runs` runs after `warmup` discarded ones; also returns every kept time. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = 0): Promise<{ ms: number; all: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const all: number[] = [];
  for (let i = 0; i < runs; i++) all.push(await timeOnce(fn));
  return { ms: median(all), all };
}

/**
 * Runs `node args...` and resolves with its wall time in milliseconds, from just before the spawn to
 * the exit (what a user waits for, Node's start-up included), and its stdout. A non-zero exit rejects
 * with the tail of stderr.
 */
export function runNode(args: readonly string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  return runProcess(process.execPath, args, cwd);
}

/** Runs `command args...` as typed (an executable script through its shebang, say), timed as runNode times node. */
export function runProcess(command: string, args: readonly string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve({ ms, stdout: Buffer.concat(out).toString() });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
  });
}

/** Wall milliseconds of `node args...` (see runNode). */
export async function timeNodeProcess(args: readonly string[], cwd: string): Promise<number> {
  return (await runNode(args, cwd)).ms;
}
