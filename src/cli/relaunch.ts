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

/**
 * V8 flags for `ppl ARGS`, set by bin/ppl.js before it loads the rest of the CLI (they are the process's,
 * so worker threads share them).
 *
 * fit-genes and `ppl worker` run the same few hundred functions gene after gene, and their first genes
 * pay V8's warm-up: 200 negative binomial genes took 4.45 s on one core, of which ~1.5 s compiling.
 * V8 optimises a function once it has spent its interrupt budget (67,584 by default); compiled earlier,
 * it has seen the shapes of one or two genes, meets another shape on a later gene, is thrown away and
 * compiled again (550 ms of recompiles). Three times the budget lets it see a few genes first: the same
 * run took 4.15 s (interleaved runs, 200,000 against 67,584; 400,000 was no better, 800,000 worse; two
 * workers 2.9-3.0 s against 3.2-3.3 s). Results are the same bits: only when code is compiled changes.
 */
export function v8Flags(args: readonly string[]): string[] {
  return args[0] === 'fit-genes' || args[0] === 'worker' ? [`--interrupt-budget=${GENES_INTERRUPT_BUDGET}`] : [];
}

const GENES_INTERRUPT_BUDGET = 200_000;
