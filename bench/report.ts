import { DEFAULT_POLICY, type EndToEndTiming, type ReadmeTiming } from './end_to_end.js';
import type { LogDensityReport } from './log_density.js';
import type { Interference, MachineInfo } from './machine.js';
import { ratioText, type ReferenceTiming } from './references.js';
import { LINEAR_TOLERANCE, SCALING_COLUMNS, type Growth, type ScalingRow } from './scaling.js';
import type { SmallModelComparison } from './small_models.js';
import { SMALL_MODEL_GOAL, smallModelTable } from './small_report.js';
import { genesTable, type GenesTiming } from './genes.js';

/** A reference tool's time beside the Glimmer run it is compared with. */
export interface Comparison {
  readonly reference: ReferenceTiming;
  readonly ours: EndToEndTiming;
  /** Set when Glimmer has no engine of the reference's kind and another one stands in. */
  readonly standIn?: string;
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly totalSeconds: number;
  readonly interference?: Interference;
  readonly endToEnd: readonly EndToEndTiming[];
  readonly readme?: ReadmeTiming;
  readonly comparisons: readonly Comparison[];
  readonly logDensity: LogDensityReport;
  readonly scaling: readonly ScalingRow[];
  readonly growth?: readonly Growth[];
  readonly small: readonly SmallModelComparison[];
  readonly genes: readonly GenesTiming[];
  readonly findings: readonly string[];
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const rule = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Three significant digits: 0.0125, 2.65, 1010 (ms per call spans five orders of magnitude here). */
export const sig = (x: number): string => (x >= 1000 ? x.toFixed(0) : x.toPrecision(3));
const secs = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const count = (n: number): string => n.toLocaleString('en-US');

export function endToEndTable(rows: readonly EndToEndTiming[]): string {
  return markdownTable(['command', 'runs', 'median (s)', 'each run (s)'], rows.map((r) => [
    `\`ppl infer ${r.model} --engine ${r.engine}${r.backend === 'auto' ? '' : ` --backend ${r.backend}`}${r.extra?.length ? ` ${r.extra.join(' ')}` : ''}\``,
    `${r.runs}${r.warmedUp ? ' + warm-up' : ''}`, secs(r.seconds), r.all.map(secs).join(', '),
  ]), ['l', 'r', 'r', 'l']);
}

/** "lme4 glmer 76.0 s: 30x slower than Glimmer (laplace on zeb2.glmm, 2.52 s)". */
export function comparisonLine(c: Comparison): string {
  return `${c.reference.label} ${c.reference.seconds.toFixed(1)} s: ${ratioText(c.reference.seconds, c.ours.seconds)} (${c.ours.engine} on ${c.ours.model}, ${secs(c.ours.seconds)} s)`;
}

export function comparisonTable(rows: readonly Comparison[]): string {
  return markdownTable(['reference tool', 'its time (s)', 'Glimmer run', 'Glimmer (s)', 'ratio', 'caveat'], rows.map((c) => [
    c.reference.label, secs(c.reference.seconds), `${c.ours.engine}, ${c.ours.model}`, secs(c.ours.seconds),
    ratioText(c.reference.seconds, c.ours.seconds), [c.reference.caveat, c.standIn].filter(Boolean).join('; '),
  ]), ['l', 'r', 'l', 'r', 'l', 'l']);
}

export function logDensityTable(report: LogDensityReport): string {
  return markdownTable(['log density', 'rows', 'K', 'ms per point', 'calls timed', 'tfjs-notes (ms per point)'], report.timings.map((t) => [
    t.path, count(t.rows), String(t.k), sig(t.msPerPoint), String(t.calls), t.notes?.text ?? '',
  ]), ['l', 'r', 'r', 'r', 'r', 'l']);
}

export function scalingTable(rows: readonly ScalingRow[]): string {
  return markdownTable(['rows', 'cells', '.csv.gz (MB)', ...SCALING_COLUMNS.map((c) => c.label)], rows.map((r) => [
    count(r.rows), String(r.cells), r.fileMB.toFixed(1), ...SCALING_COLUMNS.map((c) => sig(r[c.key])),
  ]), ['r', 'r', 'r', ...SCALING_COLUMNS.map(() => 'r' as const)]);
}

export function growthTable(growth: readonly Growth[]): string {
  return markdownTable(['column', 'growth', 'rows grew', 'linear'], growth.map((g) => [
    SCALING_COLUMNS.find((c) => c.key === g.key)!.label, `${g.ratio.toFixed(2)}x`, `${g.rowsRatio.toFixed(0)}x`,
    `${g.linear ? 'yes' : 'no'} (ratio ${g.ratio.toFixed(2)})`,
  ]), ['l', 'r', 'r', 'l']);
}

function machineLines(r: BenchResults): string[] {
  const m = r.machine;
  const lines = [
    `- date: ${m.date}`, `- node: ${m.node}`, `- CPU: ${m.cpu}, ${m.cores} cores`,
    `- the measurements took ${secs(r.totalSeconds)} s (after \`npm run build\`, which \`npm run bench\` runs first)`,
  ];
  const i = r.interference;
  if (i) {
    lines.push(`- competition: 1-minute load average ${i.loadAtStart.toFixed(2)} when the measurements started (the build included); other processes used ${i.othersCpuSeconds.toFixed(0)} CPU-seconds meanwhile (${(100 * i.othersCores).toFixed(0)}% of one core on average)`);
  }
  return lines;
}

/**
 * Whether other processes competed for the CPU enough to matter (a colleague's test run, say). The
 * load average at the start is no guide: it still counts the build that `npm run bench` runs first.
 */
export function sharedMachine(i: Interference | undefined): boolean {
  return i !== undefined && i.othersCores > 0.1;
}

export function renderDocument(r: BenchResults): string {
  const from = r.scaling.at(-2);
  const to = r.scaling.at(-1);
  const shared = sharedMachine(r.interference)
    ? '\n**These numbers are from a shared machine**: other processes used the CPU while the bench ran (see above), so single timings may be inflated; medians damp this, ratios between paths measured together are more reliable than absolute times.\n'
    : '';
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); rerun it rather than editing this file. All times are wall times on this machine:

${machineLines(r).join('\n')}
${shared}
The reference tools (lme4, glmmTMB, Stan) were timed once on the project's 2-core machine of the same kind (\`bench/reference_timings.md\`, a copy of the reference measurements). Machines of one kind differ by up to 2x, so read the ratios as orders of magnitude, not to the decimal.

## 1. End to end: \`ppl infer\` on ZEB2 (68,627 cells)

Wall time from spawning \`node bin/ppl.js\` to its exit (Node start-up, reading and checking the data, compiling, the fit, the draws and the printed summary; default settings): median of ${DEFAULT_POLICY.runs} runs after one discarded warm-up run. An engine whose first run takes over ${DEFAULT_POLICY.slowSeconds} s (the samplers) keeps that run and gets more only while its runs add up to under ${DEFAULT_POLICY.slowBudgetSeconds} s, so that the bench stays within about five minutes. Every engine in \`ENGINES\` (src/api/infer.ts) runs on both models. \`--backend tfjs\` forces the row-wise float32 graph instead of the exact reduction to per-cell sums, and is timed once.

${endToEndTable(r.endToEnd)}
${r.readme ? `
The README's main command as a user types it, \`${r.readme.command}\` (an executable script; its shebang finds node on the PATH), took ${r.readme.asTyped.toFixed(2)} s; \`node ${r.readme.command.slice(2)}\` took ${r.readme.viaNode.toFixed(2)} s (medians of ${r.readme.runs} runs each, alternated, after a warm-up of each): ${(r.readme.asTyped - r.readme.viaNode).toFixed(2)} s apart (issue 14's goal: at most 0.2 s).
` : ''}
Each reference tool beside the Glimmer run of the same model (the TFP-priors rows against \`zeb2_tfp.glmm\`) with the engine of the same kind where Glimmer has one, else \`laplace\`:

${comparisonTable(r.comparisons)}

## 2. Log density: one value and gradient

Milliseconds per value+gradient per point (a call with K points counts K times), median of at least 50 timed samples after warm-up; a sample groups several calls when one call is too short to time. theta is near the posterior (every \`beta\` at -9, everything else 0). "tfjs-notes" is what \`tfjs-notes.md\` measured for a comparable formulation (the JS rows there are hand-written loops; Glimmer's float64 JS is the code it generates from the model, \`src/compiler/codegen/\`).

${logDensityTable(r.logDensity)}

## 3. Scaling with the number of cells

Simulated ZEB2-like tables (\`bench/simulate.ts\`): each cell copies a random real cell's cell group, patient and total_count, and ZEB2 ~ Poisson(exp(beta_g + u_p) * total_count) with beta and u from \`test/fixtures/zeb2/truth.json\`, seeded. \`ppl infer\` is the median of 3 runs after a warm-up. The other columns are measured in fresh Node processes, three per size, each column the median of the three (one process's numbers move by 10-30% from minute to minute on this shared machine), so that no size inherits another's heap: "load + compile" reads the .csv.gz, checks it and builds the reduced log density, "tfjs graph build" emits the row-wise tfjs graph (each the median of 5 after a warm-up, each started from a collected heap as a fresh \`ppl\` process would be), and the log-density columns are per value+gradient (median of 50 after a second of warm-up), the K=16 column per point.

${scalingTable(r.scaling)}
${from && to && r.growth ? `
Growth from ${count(from.rows)} to ${count(to.rows)} rows (linear means at most ${(to.rows / from.rows).toFixed(0)}x; up to ${((LINEAR_TOLERANCE - 1) * 100).toFixed(0)}% above that is counted as timing noise):

${growthTable(r.growth)}
` : ''}
## 4. Small models: NUTS against Stan

Issue 12, item 7: on small models Glimmer's NUTS should take at most ${SMALL_MODEL_GOAL}x Stan's sampling time, same settings (4 chains x 1000 warm-up + 1000 draws, adapt_delta 0.8). Glimmer: \`node bin/ppl.js infer MODEL --engine nuts\` timed from process start to exit (Node's start-up, loading and compiling the model, the chains, the summary and its diagnostics, the printed output; the default thread choice runs these chains in one thread), with \`--out DIR\`, median of ${DEFAULT_POLICY.runs} runs after a warm-up; "inference call" is the part of the same runs inside \`infer\` (each run's \`run.json\`, \`timings.totalMs\`: compiling the model, the chains, the summary and its diagnostics), which is what \`sampling()\` is for Stan, timed inside an R session that has rstan loaded and the model compiled. Stan: rstan 2.21.7, timed by \`bench/stan_small/time_stan.R\` from the Stan programs beside it (\`bench/stan_small/*.stan\`, the same priors and parameterisation), compile time excluded, median of the runs in \`bench/stan_small/stan_timings.csv\`, measured on this kind of machine (\`bench/stan_small/stan_machine.txt\`) while other processes were running (its \`load1\` column): "cores = 1" is the wall time of \`sampling(..., cores = 1)\`, what \`system.time()\` around the call shows (rstan's default), "cores = 2" the same with the chains in two R worker processes, whose start-up dominates at this size, and "chains added up" the four chains' warm-up and sampling by Stan's own clock (\`get_elapsed_time\`), Stan's sampler alone.

${smallModelTable(r.small)}

## 5. Every gene: ppl fit-genes

Issue 13: one model fitted to every gene. \`node bin/ppl.js fit-genes models/genes.glmm test/fixtures/genes-300/counts.h5ad --layer counts --ml --out DIR --workers N\` on 300 simulated Poisson genes x 5,000 cells with ZEB2's design, timed from process start to exit (reading the h5ad, the cells, every gene's fit and the two CSV files), median of up to 3 runs; peak memory by GNU time. "ms per gene per core" is the wall time times the workers over the genes; "CPU ms per gene" is the process's CPU time (user + system, every thread: V8's compiler and collector threads run beside the fits, on the idle core of a one-worker run) over the genes. glmmTMB: the median of its per-gene times in \`test/fixtures/genes-300/reference/glmmtmb_genes.csv.gz\` (one \`glmmTMB()\` call per gene, same model, this kind of machine).

${genesTable(r.genes)}

## Findings

${r.findings.length > 0 ? r.findings.map((f) => `- ${f}`).join('\n') : '- nothing out of the ordinary.'}
`;
}
