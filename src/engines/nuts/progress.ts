import type { Progress } from './options.js';

/**
 * A one-line progress bar for the sampler. The engine only calls a callback; this turns the calls into text
 * for a terminal, and the CLI decides where (stderr, and only when it is a TTY). No dependency: none of the
 * installed packages draws progress bars, and this needs twenty lines.
 */
export function renderProgress(p: Progress, width = 30): string {
  const done = Math.round((p.iteration / p.iterations) * width);
  const bar = '='.repeat(done) + ' '.repeat(width - done);
  const phase = p.warmup ? 'warm-up ' : 'sampling';
  return `chain ${p.chain + 1}/${p.chains} [${bar}] ${String(p.iteration).padStart(String(p.iterations).length)}/${p.iterations} ${phase}`;
}

/**
 * A progress callback that redraws the line in place (carriage return) at most every `intervalMs`, and
 * erases it after the last iteration of the last chain so that it leaves nothing in the terminal.
 */
export function progressReporter(write: (s: string) => void, intervalMs = 100, now: () => number = () => performance.now()): (p: Progress) => void {
  let last = -Infinity;
  return (p) => {
    const finished = p.chain === p.chains - 1 && p.iteration === p.iterations;
    if (finished) {
      write('\r\x1b[K');
      return;
    }
    const t = now();
    if (t - last < intervalMs && p.iteration !== 1) return;
    last = t;
    write(`\r${renderProgress(p)}\x1b[K`);
  };
}
