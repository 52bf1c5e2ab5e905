import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { mutantAt, Tally } from './campaign.js';
import { checkMutant, HANG_MS } from './check_mutant.js';
import { MUTATION_NAMES, mutate } from './mutate.js';
import { loadSeeds } from './seeds.js';

/**
 * The fast sample of the model fuzz (the long one: `npm run fuzz -- --count 100000`). Every mutant of
 * the models in models/ and test/models/ must end as a valid model or as a GlimmerError whose every
 * diagnostic is located, within HANG_MS. A failure prints the mutant, its seed model and what was
 * done to it; `mutantAt(seeds, RUN_SEED, index)` makes it again.
 */
const RUN_SEED = 8;
const COUNT = 4000;

const seeds = loadSeeds();

describe('model fuzzing (fast sample)', () => {
  it('starts from valid models, in models/ and test/models/', async () => {
    expect(seeds.map((s) => s.file)).toEqual(expect.arrayContaining(['models/zeb2.glmm', 'test/models/bernoulli_nested.glmm']));
    for (const seed of seeds) expect(await checkMutant(seed.source, seed), seed.file).toMatchObject({ kind: 'valid' });
  });

  it('makes the same mutant from the same seed, and different ones from different seeds', () => {
    const source = seeds[0].source;
    expect(mutate(source, createRng('a'))).toEqual(mutate(source, createRng('a')));
    const texts = new Set(Array.from({ length: 20 }, (_, i) => mutate(source, createRng(`b/${i}`)).text));
    expect(texts.size).toBeGreaterThan(15);
    expect(MUTATION_NAMES).toEqual(expect.arrayContaining(['deleteToken', 'duplicateToken', 'swapTokens', 'truncate', 'insertUnicode', 'deepNesting', 'hugeNumber']));
  });

  it(`${COUNT} mutants: each valid or a located error, none over ${HANG_MS} ms`, async () => {
    const tally = new Tally();
    for (let index = 0; index < COUNT; index++) {
      const { seedIndex, mutant } = mutantAt(seeds, RUN_SEED, index);
      const finding = { index, seedFile: seeds[seedIndex].file, mutant };
      let outcome = await checkMutant(mutant.text, seeds[seedIndex]);
      // Slow once may be the machine; a hang is slow twice.
      if (outcome.ms > HANG_MS) outcome = await checkMutant(mutant.text, seeds[seedIndex]);
      if (outcome.ms > HANG_MS) tally.hang(finding, outcome.ms);
      else tally.add(outcome, finding);
    }
    const show = (f: (typeof tally.crashes)[number]) =>
      `mutant ${f.index} of ${f.seedFile} (${f.mutant.mutations.join('; ')}): ${f.error.split('\n').slice(0, 3).join(' | ')}\n${f.mutant.text.slice(0, 2000)}`;
    expect(tally.crashes.map(show)).toEqual([]);
    expect(tally.hangs.map(show)).toEqual([]);
    // The sample reaches every layer: valid models, syntax (E1xx), names and types (E2xx), data (E3xx).
    expect(tally.valid).toBeGreaterThan(COUNT / 50);
    expect([...tally.codes.keys()]).toEqual(expect.arrayContaining(['E101', 'E110', 'E111', 'E120', 'E201', 'E301']));
  });
});
