// `npm run battery`: every battery model (test/battery/<case>/) with every engine, end to end through
// the CLI as a user runs it, against the stored references (lme4/glm for --ml and --reml, Stan for the
// posterior engines), with the reference tool's time beside Glimmer's. Writes docs/battery.md.
//
//   node --import tsx scripts/battery.ts [--cases a,b] [--engines ml,reml,laplace,fullrank,advi,nuts] [--no-doc]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { batteryCases, runCli, type Case } from '../test/battery/cases.js';
import { compareEstimates, comparePosterior, unwarned, type Miss } from '../test/battery/compare.js';
import { machineInfo, watchInterference } from '../bench/machine.js';
import { median } from '../bench/timing.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = ['ml', 'reml', 'laplace', 'fullrank', 'advi', 'nuts'] as const;
type RunKind = (typeof RUNS)[number];

const { values: args } = parseArgs({
  options: { cases: { type: 'string' }, engines: { type: 'string', default: RUNS.join(',') }, 'no-doc': { type: 'boolean', default: false } },
});
const wanted = new Set(args.engines.split(','));
const onlyCases = args.cases ? new Set(args.cases.split(',')) : undefined;

interface Line {
  readonly case: string; readonly run: RunKind; readonly status: string;
  readonly fixed?: number; readonly random?: number; readonly sdRatio?: number; readonly khat?: number; readonly logLik?: number;
  readonly seconds: number; readonly refSeconds?: number; readonly refTool?: string; readonly misses: readonly Miss[];
  /** ML and REML: the reference tool end to end, a fresh Rscript loading it, reading the data and fitting (r_end_to_end.json). */
  readonly refEndToEnd?: number;
}

const FLAGS: Record<RunKind, readonly string[]> = {
  ml: ['--ml'], reml: ['--reml'], laplace: ['--engine', 'laplace'], fullrank: ['--engine', 'fullrank'], advi: ['--engine', 'advi'], nuts: ['--engine', 'nuts'],
};

/**
 * NUTS above this many parameters is not run here: on InstEval (4,120 parameters, 73,421 rows) Stan's own
 * reference run took about 40 minutes of this machine, and the battery's other runs take 15 together.
 */
const NUTS_DIM = 1000;
/**
 * advi above this many parameters is not run here. InstEval (4,120 parameters, 73,421 rows) runs: with the
 * diagonal frame above 1,500 parameters (engines/vi/frame.ts) it takes minutes, not the half hour it did.
 */
const ADVI_DIM = 5000;

async function runOne(c: Case, kind: RunKind): Promise<Line | undefined> {
  const ref = kind === 'ml' ? c.ref.ml : kind === 'reml' ? c.ref.reml : undefined;
  if ((kind === 'ml' || kind === 'reml') && !ref && !(kind === 'ml' && c.ref.expect_ml)) return undefined;
  if (kind !== 'ml' && kind !== 'reml' && !c.ref.stan) return undefined;
  if ((kind === 'nuts' && c.dim > NUTS_DIM) || (kind === 'advi' && c.dim > ADVI_DIM)) {
    return { case: c.name, run: kind, status: `not run (${c.dim} parameters)`, seconds: NaN, misses: [] };
  }
  // Quick runs are repeated (median of 3) so the time is not one process's noise.
  let r = await runCli(c.model, FLAGS[kind]);
  if (r.code === 0 && r.seconds < 5) {
    const times = [r.seconds, (await runCli(c.model, FLAGS[kind])).seconds, (await runCli(c.model, FLAGS[kind])).seconds];
    r = { ...r, seconds: median(times) };
  }
  const base = { case: c.name, run: kind, seconds: r.seconds };
  if (kind === 'ml' && c.ref.expect_ml) {
    const code = /error (E\d+)|\b(E\d{3})\b/.exec(r.stderr);
    const got = code?.[1] ?? code?.[2];
    return { ...base, status: r.code !== 0 && got === c.ref.expect_ml ? `refused (${got})` : `MISS: expected ${c.ref.expect_ml}, exit ${r.code}`, misses: [] };
  }
  if (r.code !== 0) {
    const code = /\b(E\d{3})\b/.exec(r.stderr)?.[1];
    return { ...base, status: code ? `refused (${code})` : `exit ${r.code}: ${r.stderr.slice(0, 200)}`, misses: [] };
  }
  const warnings = (r.run?.warnings ?? []).map((w) => w.message);
  const nonFinite = r.rows.some((row) => !Number.isFinite(row.mean) || !Number.isFinite(row.sd));
  if (ref) {
    const cmp = compareEstimates(r.rows, ref, Number(r.run?.diagnostics.logLik));
    return { ...base, status: cmp.misses.length === 0 ? 'ok' : 'MISS', fixed: cmp.worstEst, sdRatio: 1 + cmp.worstSe, logLik: cmp.logLikDiff,
      refSeconds: ref.seconds, refTool: ref.tool.split(' ')[0], refEndToEnd: END_TO_END.get(`${c.name} ${kind}`), misses: cmp.misses };
  }
  const stan = c.ref.stan!;
  const cmp = comparePosterior(r.rows, stan.summary, c.isRandom, kind === 'nuts' ? 'mcmc' : 'laplace');
  const open = kind === 'nuts' ? cmp.misses : unwarned(cmp.misses, warnings);
  const status = nonFinite ? 'NON-FINITE' : cmp.misses.length === 0 ? 'ok' : open.length === 0 ? 'warned' : 'MISS';
  const khat = r.run?.diagnostics.khat;
  return { ...base, status, fixed: kind === 'nuts' ? cmp.worstMcse : cmp.worstFixed, random: cmp.worstRandom, sdRatio: cmp.sdRatio,
    khat: typeof khat === 'number' ? khat : undefined, refSeconds: kind === 'nuts' ? stan.samplingSeconds?.default_run_wall : undefined,
    refTool: kind === 'nuts' ? 'Stan' : undefined, misses: open };
}

const f = (x: number | undefined, d = 3): string => (x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));
const t = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : x < 10 ? x.toFixed(2) : x.toFixed(1));

/** The reference tools end to end (test/battery/r/end_to_end.R), by "case mode", where that file exists. */
const END_TO_END: ReadonlyMap<string, number> = (() => {
  const file = join(ROOT, 'test/battery/r_end_to_end.json');
  if (!existsSync(file)) return new Map();
  const runs = (JSON.parse(readFileSync(file, 'utf8')) as { runs: { case: string; mode: string; seconds: number }[] }).runs;
  return new Map(runs.map((r) => [`${r.case} ${r.mode}`, r.seconds]));
})();

function table(lines: readonly Line[]): string {
  const head = '| case | run | status | worst fixed/hyper | worst random | sd ratio | k-hat | logLik diff | Glimmer (s) | reference (s) | reference end to end (s) |';
  const rule = '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |';
  return [head, rule, ...lines.map((l) => `| ${l.case} | ${l.run} | ${l.status} | ${f(l.fixed)} | ${f(l.random)} | ${f(l.sdRatio)} | ${f(l.khat, 2)} | ${f(l.logLik, 4)} | ${t(l.seconds)} | ${l.refSeconds === undefined ? '' : `${t(l.refSeconds)} (${l.refTool})`} | ${t(l.refEndToEnd)} |`)].join('\n');
}

/** One line per case in docs/engines.md (between its battery markers): each run's status and its worst figure. */
function writeEnginesTable(all: readonly Line[]): void {
  const file = join(ROOT, 'docs/engines.md');
  const text = readFileSync(file, 'utf8');
  const [start, end] = ['<!-- battery:start -->', '<!-- battery:end -->'];
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error('docs/engines.md lacks the battery markers');
  const cell = (l: Line | undefined): string => {
    if (!l) return '';
    const figure = l.run === 'ml' || l.run === 'reml' ? (l.fixed === undefined ? '' : ` ${f(l.fixed)} SE`) : l.fixed === undefined ? '' : ` ${f(Math.max(l.fixed, l.random ?? 0), 2)}${l.run === 'nuts' ? '' : ` sd, x${f(l.sdRatio, 2)}`}`;
    return Number.isFinite(l.seconds) ? `${l.status}${figure}, ${t(l.seconds)} s` : l.status;
  };
  const names = [...new Set(all.map((l) => l.case))];
  const rows = names.map((n) => `| ${n} | ${RUNS.map((k) => cell(all.find((l) => l.case === n && l.run === k))).join(' | ')} |`);
  const table = ['| case | --ml | --reml | laplace | fullrank | advi | nuts |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
  writeFileSync(file, `${text.slice(0, a + start.length)}\n${table}\n${text.slice(b)}`);
}

const watch = watchInterference();
const lines: Line[] = [];
const t0 = performance.now();
for (const c of await batteryCases()) {
  if (onlyCases && !onlyCases.has(c.name)) continue;
  for (const kind of RUNS) {
    if (!wanted.has(kind)) continue;
    const line = await runOne(c, kind);
    if (!line) continue;
    lines.push(line);
    console.log(`${c.name.padEnd(20)} ${kind.padEnd(9)} ${line.status.padEnd(10)} fixed ${f(line.fixed).padStart(6)} random ${f(line.random).padStart(6)} sd ${f(line.sdRatio).padStart(6)} k ${f(line.khat, 2).padStart(5)} ll ${f(line.logLik, 4).padStart(7)}  ${t(line.seconds).padStart(6)} s  ref ${line.refSeconds === undefined ? '-' : `${t(line.refSeconds)} s ${line.refTool}`}`);
    for (const m of line.misses.slice(0, 5)) console.log(`    ${m.name}: ${m.what} ${f(m.value, 4)} (limit ${m.limit})`);
  }
}
const interference = watch();
const machine = machineInfo();

if (!args['no-doc'] && !onlyCases && wanted.size === RUNS.length) {
  const doc = `# The battery

Written by \`npm run battery\` (\`scripts/battery.ts\`); rerun it rather than editing this file. Each case is a folder in
\`test/battery/\` with the model, its data, the same posterior in Stan and \`reference.json\`, which R computed once
(\`test/battery/r/<case>.R\`: lme4 or glm for \`--ml\` and \`--reml\`, glmmTMB, and a long Stan run as the posterior's gold
standard). Every run is \`ppl infer\` end to end, as a user types it; its time is the process's wall time (median of 3 when
under 5 s). The reference's time is lme4's (or glm's) fit alone for ML and REML (inside a running R session), and Stan's
default run (4 chains of 1,000 + 1,000, 2 cores, compilation excluded) for NUTS. For ML and REML the last column is the
reference as a user runs it, end to end (\`test/battery/r/end_to_end.R\`: a fresh \`Rscript\` that loads the package, reads the
CSV and fits; median of 3), the same measure as Glimmer's column.

- date: ${machine.date}; node ${machine.node}; ${machine.cpu}, ${machine.cores} cores; the battery took ${((performance.now() - t0) / 1000).toFixed(0)} s
${interference ? `- other processes used ${interference.othersCpuSeconds.toFixed(0)} CPU-seconds meanwhile (${(100 * interference.othersCores).toFixed(0)}% of one core)` : ''}

Columns: for ML and REML, the worst estimate error in the reference's SEs, the SE ratio furthest from 1 and the
log-likelihood difference (tolerances 0.02 SE, 2%, 0.05). For the posterior engines, the worst mean error in Stan's
posterior sds over fixed effects and hyperparameters and over random effects (Laplace-type engines: 0.15 and 0.25), the sd
ratio furthest from 1 (20%), k-hat where the engine reports one; for NUTS the worst mean error in max(0.1 sd, 4 MCSE)
(at most 1). Status: ok (within every tolerance), warned (outside one, but the run's warnings name every quantity that is),
MISS (outside, unnamed), refused (an error the case expects).

${table(lines)}
`;
  writeFileSync(join(ROOT, 'docs/battery.md'), doc);
  writeEnginesTable(lines);
  console.log('wrote docs/battery.md and the table in docs/engines.md');
}
