import type { ChainProgress, LaplaceProgress, ViProgress } from '../api/engine_settings.js';
import type { ProgressEvent } from '../api/infer_options.js';

/**
 * Progress lines for the terminal (the sampler, VI, the nested Laplace). The engines only call a callback;
 * this turns the calls into text, and the CLI decides where (stderr, on a TTY or with --progress). No
 * dependency: none of the installed packages draws progress bars, and this needs twenty lines.
 */
export function renderProgress(p: ChainProgress, width = 30): string {
  const done = Math.round((p.iteration / p.iterations) * width);
  const bar = '='.repeat(done) + ' '.repeat(width - done);
  const phase = p.warmup ? 'warm-up ' : 'sampling';
  return `chain ${p.chain + 1}/${p.chains} [${bar}] ${String(p.iteration).padStart(String(p.iterations).length)}/${p.iterations} ${phase}`;
}

/**
 * A progress callback that redraws the line in place (carriage return) at most every `intervalMs`, and
 * erases it once every chain has finished so that it leaves nothing in the terminal. Chains may run in
 * parallel: the line shows the chain furthest behind.
 */
export function progressReporter(write: (s: string) => void, intervalMs = 100, now: () => number = () => performance.now()): (p: ChainProgress) => void {
  let last = -Infinity;
  let latest: (ChainProgress | undefined)[] = [];
  return (p) => {
    if (latest.length !== p.chains) latest = new Array<ChainProgress | undefined>(p.chains);
    latest[p.chain] = p;
    const at = (i: number): number => latest[i]?.iteration ?? 0;
    if (latest.every((_, i) => at(i) === p.iterations)) {
      write('\r\x1b[K');
      return;
    }
    const t = now();
    if (t - last < intervalMs && p.iteration !== 1) return;
    last = t;
    const slowest = latest.reduce((s, _, i) => (at(i) < at(s) ? i : s), 0);
    write(`\r${renderProgress(latest[slowest] ?? { ...p, chain: slowest, iteration: 0, warmup: true })}\x1b[K`);
  };
}

/**
 * VI's progress line: the step, the step limit, the windowed ELBO and the learning rate, redrawn in place
 * after every window of steps (a long run on a large model takes minutes). The line is erased by the next
 * output's carriage return and clear.
 */
export function viProgressReporter(engine: string, write: (s: string) => void): (p: ViProgress) => void {
  return (p) => write(`\r${engine}: step ${p.step} of at most ${p.steps}, ELBO ${Number.isFinite(p.elbo) ? p.elbo.toFixed(2) : String(p.elbo)}, learning rate ${p.lr}\x1b[K`);
}

/**
 * The nested Laplace engine's progress line (InstEval's posterior takes two minutes): evaluations of the
 * Laplace marginal so far and the best log marginal, redrawn at most every `intervalMs`.
 */
export function laplaceProgressReporter(write: (s: string) => void, intervalMs = 200, now: () => number = () => performance.now()): (p: LaplaceProgress) => void {
  let last = -Infinity;
  return (p) => {
    const t = now();
    if (t - last < intervalMs) return;
    last = t;
    write(`\rlaplace: ${p.evaluations} evaluations of the Laplace marginal, best log marginal ${p.best.toFixed(2)}\x1b[K`);
  };
}

/** One progress hook for any engine (InferHooks.onProgress): each kind of event drawn by its own line. */
export function progressHook(engine: string, write: (s: string) => void): (e: ProgressEvent) => void {
  const chain = progressReporter(write);
  const vi = viProgressReporter(engine, write);
  const laplace = laplaceProgressReporter(write);
  return (e) => {
    if (e.kind === 'chain') chain(e);
    else if (e.kind === 'vi') vi(e);
    else laplace(e);
  };
}
