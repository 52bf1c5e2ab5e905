// Where `ppl infer MODEL --engine nuts` spends its time: runs the built CLI under `node --cpu-prof` and
// sorts every sample into a phase by the functions on its stack. Not part of `npm run bench`:
//
//   node --import tsx bench/profile_nuts.ts [--threads 1] [--cli bin/ppl.js] [--runs 1] [MODEL ...]
//
// --cli profiles another build (e.g. an older checkout's bin/ppl.js); --runs takes the median phase
// times over several runs.
//
// The phases are read off the stack, innermost match first, so a gradient inside a NUTS step counts as
// "log density", not "NUTS". V8 cannot say who made the garbage it collects: "GC" is its own phase.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { markdownTable } from './report.js';
import { median, runNode } from './timing.js';
import { SMALL_MODELS } from './small_models.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Phase by function name on the stack; the first rule that matches a frame, from the innermost frame out, wins. */
const PHASES: readonly [string, RegExp][] = [
  ['log density (value + gradient)', /^(vg|val|valueAndGrad|valueAndGradInto|logDensityAndGradient|forward|backward|evalNode|fusedValue)$/],
  ['NUTS (trajectory, leapfrog, adaptation)', /^(runChain|nutsTransition|buildTree|leapfrog|warmup|initStepSize|randomInit)$/],
  ['summary and diagnostics', /^(summarizeDraws|convergenceWarnings|fitContrasts|withEstimates|samplerSummary|summaryDiagnostics|assemble)$/],
  ['reading, checking and compiling the model', /^(loadModel|compile|makeLogDensity|emitJs|emitCompiledJs)$/],
  ['printing and writing output', /^(summaryTable|describeDiagnostics|describeContrasts|writeOutputs|drawsCsv|summaryCsv)$/],
  ['worker threads (start, messages)', /^(startWorkerPool|spawn|parallelChains|Worker)$/],
];

function phaseOf(stack: readonly string[]): string {
  for (const fn of stack) for (const [phase, re] of PHASES) if (re.test(fn)) return phase;
  const top = stack[0] ?? '';
  if (top === '(garbage collector)') return 'GC';
  if (top === '(idle)' || top === '(program)') return 'idle / V8 internals';
  // Before main() runs: Node's own start, then compiling and evaluating the bundle's modules.
  return 'start-up (Node, loading modules)';
}

/** Milliseconds per phase of one profile. */
export function phases(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const stack: string[] = [];
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) stack.push(byId.get(x)!.callFrame.functionName);
    const phase = phaseOf(stack);
    out.set(phase, (out.get(phase) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return out;
}

async function profileOne(cli: string, model: string, threads: number): Promise<{ wallMs: number; main: Map<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'glimmer-prof-'));
  try {
    const { ms } = await runNode(['--cpu-prof', '--cpu-prof-dir', dir, cli, 'infer', model, '--engine', 'nuts', '--threads', String(threads)], ROOT);
    // With worker threads each writes its own profile; the main thread's is the one that ran main().
    const profiles = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
    const main = profiles.find((p) => p.nodes.some((n) => n.callFrame.functionName === 'main')) ?? profiles[0];
    return { wallMs: ms, main: phases(main) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values: args, positionals } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, cli: { type: 'string', default: 'bin/ppl.js' }, runs: { type: 'string', default: '1' } },
  allowPositionals: true,
});
const threads = Number(args.threads);
const models = positionals.length > 0 ? positionals : SMALL_MODELS.map((m) => m.glmm);
const rows: string[][] = [];
const names = new Set<string>(PHASES.map(([p]) => p));
const results: { model: string; wallMs: number; main: Map<string, number> }[] = [];
for (const model of models) {
  const runs: Awaited<ReturnType<typeof profileOne>>[] = [];
  for (let i = 0; i < Number(args.runs); i++) runs.push(await profileOne(args.cli, model, threads));
  const keys = new Set(runs.flatMap((r) => [...r.main.keys()]));
  for (const k of keys) names.add(k);
  const main = new Map([...keys].map((k) => [k, median(runs.map((r) => r.main.get(k) ?? 0))]));
  results.push({ model, wallMs: median(runs.map((r) => r.wallMs)), main });
}
for (const r of results) {
  const total = [...r.main.values()].reduce((a, b) => a + b, 0);
  rows.push([r.model, (r.wallMs / 1000).toFixed(2), ...[...names].map((n) => {
    const ms = r.main.get(n) ?? 0;
    return `${ms.toFixed(0)} (${((100 * ms) / total).toFixed(0)}%)`;
  })]);
}
process.stdout.write(`${args.cli} infer MODEL --engine nuts --threads ${threads}, under --cpu-prof (which slows it), median of ${args.runs}; main thread, ms (share):\n\n`);
process.stdout.write(markdownTable(['model', 'wall (s)', ...names], rows) + '\n');
