// `npm run bench`: Glimmer's speed end to end, per log-density call and as the data grows, against the
// reference tools' times in bench/reference_timings.md. Writes docs/benchmarks.md. Not part of `npm test`.
//
//   node --import tsx bench/run.ts [--sizes 1e4,1e5,1e6] [--runs 5] [--no-doc] [--small-only]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENGINES } from '../src/api/infer.js';
import { loadModel } from '../src/io/load_model.js';
import { DEFAULT_POLICY, timeInfer, timeInferOnce, timeReadmeCommand, type EndToEndTiming } from './end_to_end.js';
import { findings } from './findings.js';
import { measureLogDensities } from './log_density.js';
import { machineInfo, watchInterference } from './machine.js';
import { loadReferences } from './references.js';
import {
  comparisonLine, comparisonTable, endToEndTable, growthTable, logDensityTable, renderDocument, scalingTable, sharedMachine,
  type Comparison,
} from './report.js';
import { growth, measureSize, type ScalingRow } from './scaling.js';
import { compareSmallModels, type SmallModelComparison } from './small_models.js';
import { genesTable, measureGenes, measureGenesAtScale, measureGenesNegativeBinomial, type GenesTiming } from './genes.js';
import { smallModelFindings, smallModelTable } from './small_report.js';
import { loadSimulationSource, writeSimulatedModel } from './simulate.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODELS = { weak: 'models/zeb2.glmm', tfp: 'models/zeb2_tfp.glmm' } as const;
const DOC = join(ROOT, 'docs/benchmarks.md');
const SEED = 20201226;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1e4,1e5,1e6' }, runs: { type: 'string', default: '5' }, 'no-doc': { type: 'boolean', default: false },
    // Only section 4 (small models against Stan), printed, not written: a quick check while working on NUTS.
    'small-only': { type: 'boolean', default: false },
    // Only section 5 (fit-genes), printed, not written.
    'genes-only': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(runs) || runs < 1) {
  throw new Error(`bench: --sizes must be whole numbers (e.g. 1e4,1e5) and --runs a whole number >= 1`);
}

const say = (s = ''): void => {
  process.stdout.write(s + '\n');
};
const section = (title: string): void => say(`\n## ${title}\n`);

async function endToEnd(): Promise<EndToEndTiming[]> {
  section('1. End to end: ppl infer on ZEB2');
  const out: EndToEndTiming[] = [];
  for (const engine of ENGINES as readonly string[]) {
    for (const model of Object.values(MODELS)) {
      const t = await timeInfer(ROOT, model, engine, 'auto', { ...DEFAULT_POLICY, runs });
      say(`ppl infer ${model} --engine ${engine}: ${t.seconds.toFixed(2)} s (median of ${t.runs}${t.warmedUp ? ' after a warm-up' : ''})`);
      out.push(t);
    }
  }
  // The row-wise float32 path, once: the file cache is warm from the runs above.
  const t = await timeInferOnce(ROOT, MODELS.weak, 'laplace', 'tfjs');
  say(`ppl infer ${MODELS.weak} --engine laplace --backend tfjs: ${t.seconds.toFixed(2)} s (one run)`);
  out.push(t);
  // Issue 5: ten full-rank VI runs (seeds 1..10) against one lme4 fit (76 s).
  if ((ENGINES as readonly string[]).includes('fullrank')) {
    const ten = await timeInferOnce(ROOT, MODELS.weak, 'fullrank', 'auto', ['--runs', '10']);
    say(`ppl infer ${MODELS.weak} --engine fullrank --runs 10: ${ten.seconds.toFixed(2)} s (one run; lme4 takes 76 s for one fit)`);
    out.push(ten);
  }
  return out;
}

/** Each reference beside the Glimmer run of its model, with the engine of its kind if Glimmer has one. */
function compare(e2e: readonly EndToEndTiming[]): Comparison[] {
  return loadReferences().map((reference) => {
    const engine = (ENGINES as readonly string[]).includes(reference.kind) ? reference.kind : 'laplace';
    const model = MODELS[reference.priors];
    const ours = e2e.find((r) => r.engine === engine && r.model === model && r.backend === 'auto' && !r.extra?.length);
    if (!ours) throw new Error(`bench: no ${engine} run of ${model} to compare ${reference.label} with`);
    const standIn = engine === reference.kind ? undefined : `no ${reference.kind} engine in Glimmer yet: against ${engine}`;
    return { reference, ours, standIn };
  });
}

async function scaling(): Promise<ScalingRow[]> {
  section('3. Scaling');
  const dir = mkdtempSync(join(tmpdir(), 'glimmer-bench-'));
  try {
    const source = loadSimulationSource(join(ROOT, 'models/zeb2.csv.gz'), join(ROOT, 'test/fixtures/zeb2/truth.json'));
    const rows: ScalingRow[] = [];
    for (const n of sizes) {
      const t0 = performance.now();
      const sim = writeSimulatedModel(source, join(ROOT, MODELS.weak), dir, n, SEED);
      say(`simulated ${n.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; measuring...`);
      // Three runs of ppl infer per size: at 10^6 rows one takes about 5 s.
      rows.push(await measureSize(ROOT, sim, Math.min(runs, 3)));
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function smallModels(): Promise<SmallModelComparison[]> {
  section('4. Small models: NUTS against Stan');
  const rows = await compareSmallModels(ROOT, runs);
  say(smallModelTable(rows));
  return rows;
}

async function genes(): Promise<GenesTiming[]> {
  section('5. Every gene: ppl fit-genes');
  const rows = [...await measureGenes(ROOT, runs), ...await measureGenesNegativeBinomial(ROOT, say), await measureGenesAtScale(ROOT, say)];
  say(genesTable(rows));
  return rows;
}

async function main(): Promise<void> {
  const interference = watchInterference();
  const machine = machineInfo();
  const t0 = performance.now();
  if (!existsSync(join(ROOT, 'dist/bundle/main.mjs'))) throw new Error('bench: dist/bundle is missing: run `npm run build` first (npm run bench does)');
  say(`Glimmer bench, ${machine.date}, node ${machine.node}, ${machine.cpu} (${machine.cores} cores)`);
  if (args['small-only']) {
    await smallModels();
    return;
  }
  if (args['genes-only']) {
    await genes();
    return;
  }

  const e2e = await endToEnd();
  const readme = await timeReadmeCommand(ROOT, MODELS.weak, runs);
  say(`README's command as typed, ${readme.command}: ${readme.asTyped.toFixed(2)} s; node ${readme.command.slice(2)}: ${readme.viaNode.toFixed(2)} s (medians of ${readme.runs}, alternated)`);
  const comparisons = compare(e2e);
  say('');
  for (const c of comparisons) say(comparisonLine(c));

  section('2. Log density (ms per value+gradient per point)');
  const logDensity = await measureLogDensities(loadModel(join(ROOT, MODELS.weak)));
  say(logDensityTable(logDensity));

  const scaled = await scaling();
  say('\n' + scalingTable(scaled));
  const from = scaled.at(-2);
  const to = scaled.at(-1);
  const grown = from && to ? growth(from, to) : undefined;
  if (grown && from && to) {
    say(`\nGrowth ${from.rows.toLocaleString('en-US')} -> ${to.rows.toLocaleString('en-US')} rows:\n`);
    say(growthTable(grown));
  }

  const small = await smallModels();
  const genesRows = await genes();

  const found = [...findings(e2e, comparisons, logDensity, grown), ...smallModelFindings(small)];
  const results = {
    machine, totalSeconds: (performance.now() - t0) / 1000, interference: interference(),
    endToEnd: e2e, readme, comparisons, logDensity, scaling: scaled, growth: grown, small, genes: genesRows, findings: found,
  };
  section('Summary');
  say(endToEndTable(e2e) + '\n\n' + comparisonTable(comparisons));
  say('\nFindings:\n' + (found.length > 0 ? found.map((f) => `- ${f}`).join('\n') : '- none'));
  if (sharedMachine(results.interference)) say('\nOther processes used the CPU during the bench: numbers are from a shared machine.');
  say(`\nbench took ${results.totalSeconds.toFixed(0)} s`);
  if (!args['no-doc']) {
    writeFileSync(DOC, renderDocument(results));
    say(`wrote ${DOC}`);
  }
}

await main();
