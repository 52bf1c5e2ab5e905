import { availableParallelism } from 'node:os';

/**
 * The Node options to start `ppl ARGS` again with, or undefined to run it in this process (bin/ppl.js
 * asks before it loads the rest of the CLI).
 *
 * `fit-genes` with a worker thread on every core starts again with --single-threaded. V8 compiles hot
 * code on background threads and collects garbage with helper threads; beside one busy thread they run
 * on an idle core for free, but when the workers fill the cores they take time from the fits. On this
 * 2-core machine, 20,000 Poisson genes x 68,627 cells took 132 s with them and 99 s without (identical
 * results), 200 negative binomial genes 3.4 s and 3.0 s. The switch exists only at start-up (set later,
 * --single-threaded-gc crashed V8 in the middle of a collection), so the command starts again. With a
 * core to spare (--workers 1 on two cores), or fitting in the main thread, the helpers are kept: there
 * they are faster (one worker: 3.3 s against 4.3 s). `--queue` only coordinates; `ppl worker` fits in
 * its main thread beside an idle core.
 */
export function relaunchOptions(args: readonly string[], execArgv: readonly string[], cores = availableParallelism()): string[] | undefined {
  if (args[0] !== 'fit-genes' || execArgv.includes('--single-threaded')) return undefined;
  if (args.some((a) => a === '--queue' || a.startsWith('--queue=') || a === '--help' || a === '-h')) return undefined;
  const workers = workersOf(args);
  if (workers === null) return undefined;
  return (workers ?? cores) >= cores && (workers ?? cores) > 0 ? ['--single-threaded'] : undefined;
}

/** --workers N or --workers=N: the number, undefined when not given, null when not a whole number (the CLI reports it). */
function workersOf(args: readonly string[]): number | undefined | null {
  let text: string | undefined;
  args.forEach((a, i) => {
    if (a === '--workers') text = args[i + 1];
    else if (a.startsWith('--workers=')) text = a.slice('--workers='.length);
  });
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 ? n : null;
}
