import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parseArgs } from 'node:util';
import { mutantAt, Tally, type Finding } from '../test/fuzz/campaign.js';
import { HANG_MS, type Outcome } from '../test/fuzz/check_mutant.js';
import { loadSeeds } from '../test/fuzz/seeds.js';

/**
 * The long model fuzz (issue 8): `npm run fuzz -- --count 100000 [--seed N] [--out DIR]`. Mutates the
 * models in models/ and test/models/, checks each mutant as `ppl check` does, prints the count of each
 * error code, saves every crash and hang under DIR, and exits 1 if there was any. The fast sample
 * that runs in `npm test` is test/fuzz/models.test.ts.
 */

/** A mutant with no answer after this long is stopped (its thread terminated) and reported as a hang. */
const WATCHDOG_MS = 20_000;
const PROGRESS_MS = 10_000;

const { values } = parseArgs({
  options: { count: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, out: { type: 'string', default: 'scratch/fuzz' } },
});
const count = Number(values.count);
const runSeed = Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(runSeed)) {
  console.error('usage: npm run fuzz -- --count N [--seed S] [--out DIR]  (N >= 1, S an integer)');
  process.exit(2);
}

const workerUrl = new URL('../test/fuzz/fuzz_worker.mjs', import.meta.url);
let worker = new Worker(workerUrl);

/** Checks one mutant in the worker; undefined if the watchdog had to stop it. */
function check(index: number, seedIndex: number, text: string): Promise<Outcome | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.removeAllListeners('message');
      void worker.terminate();
      worker = new Worker(workerUrl);
      resolve(undefined);
    }, WATCHDOG_MS);
    worker.once('message', (reply: { index: number; outcome: Outcome }) => {
      clearTimeout(timer);
      resolve(reply.outcome);
    });
    worker.postMessage({ index, seedIndex, text });
  });
}

function save(kind: string, f: Finding, k: number): string {
  mkdirSync(values.out, { recursive: true });
  const base = join(values.out, `${kind}-${k}`);
  writeFileSync(`${base}.glmm`, f.mutant.text);
  writeFileSync(`${base}.txt`, [`seed ${runSeed}, mutant ${f.index} of ${f.seedFile}`, ...f.mutant.mutations, '', f.error].join('\n'));
  return `${base}.glmm`;
}

const seeds = loadSeeds();
const tally = new Tally();
const t0 = performance.now();
let lastProgress = t0;
console.log(`fuzz: ${count} mutants of ${seeds.length} models (seed ${runSeed}), each checked as 'ppl check' does; a hang is over ${HANG_MS} ms`);
for (let index = 0; index < count; index++) {
  const { seedIndex, mutant } = mutantAt(seeds, runSeed, index);
  const finding = { index, seedFile: seeds[seedIndex].file, mutant };
  let outcome = await check(index, seedIndex, mutant.text);
  // Slow once may be the machine (GC, other processes): a hang is slow twice in a row.
  if (outcome !== undefined && outcome.ms > HANG_MS) outcome = await check(index, seedIndex, mutant.text);
  if (outcome === undefined || outcome.ms > HANG_MS) tally.hang(finding, outcome?.ms ?? Infinity);
  else tally.add(outcome, finding);
  const now = performance.now();
  if (now - lastProgress > PROGRESS_MS || index === count - 1) {
    lastProgress = now;
    const rate = tally.total / ((now - t0) / 1000);
    console.log(`  ${tally.total}/${count} (${rate.toFixed(0)}/s): ${tally.crashes.length} crashes, ${tally.hangs.length} hangs`);
  }
}
await worker.terminate();

console.log(`\nerror codes seen (mutants per code):\n  ${tally.summary().split('  ').join('\n  ')}`);
tally.crashes.forEach((f, k) => console.log(`\ncrash: ${f.error.split('\n')[0]}\n  saved as ${save('crash', f, k)}`));
tally.hangs.forEach((f, k) => console.log(`\nhang: ${f.error}\n  saved as ${save('hang', f, k)}`));
console.log(`\n${tally.total} mutants in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${tally.crashes.length} crashes, ${tally.hangs.length} hangs`);
process.exitCode = tally.crashes.length + tally.hangs.length > 0 ? 1 : 0;
