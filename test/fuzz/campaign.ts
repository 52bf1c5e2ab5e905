import { createRng } from '../../src/core/rng.js';
import { HANG_MS, type Outcome } from './check_mutant.js';
import { mutate, type Mutant } from './mutate.js';
import type { SeedModel } from './seeds.js';

/**
 * Mutant `index` of a run with seed `runSeed`: each mutant has its own stream of the seeded generator,
 * so any one of them can be made again from (runSeed, index) alone, in any process.
 */
export function mutantAt(seeds: readonly SeedModel[], runSeed: number, index: number): { seedIndex: number; mutant: Mutant } {
  const seedIndex = index % seeds.length;
  return { seedIndex, mutant: mutate(seeds[seedIndex].source, createRng(`fuzz/${runSeed}/${index}`)) };
}

/** A mutant that crashed or hung, with what is needed to reproduce and read it. */
export interface Finding {
  readonly index: number;
  readonly seedFile: string;
  readonly mutant: Mutant;
  readonly error: string;
}

/** Counts of how mutants ended: valid, each error code (once per mutant), crashes and hangs. */
export class Tally {
  total = 0;
  valid = 0;
  readonly codes = new Map<string, number>();
  readonly crashes: Finding[] = [];
  readonly hangs: Finding[] = [];

  add(outcome: Outcome, finding: Omit<Finding, 'error'>): void {
    this.total++;
    if (outcome.kind === 'valid') this.valid++;
    else if (outcome.kind === 'error') for (const code of new Set(outcome.codes)) this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    else this.crashes.push({ ...finding, error: outcome.error });
  }

  hang(finding: Omit<Finding, 'error'>, ms: number): void {
    this.total++;
    this.hangs.push({ ...finding, error: ms === Infinity ? 'no answer: stopped by the watchdog' : `took ${ms.toFixed(0)} ms, twice (limit ${HANG_MS} ms)` });
  }

  /** `valid 812  E101 40  E110 33 ...`, codes in order. */
  summary(): string {
    const codes = [...this.codes].sort(([a], [b]) => a.localeCompare(b)).map(([code, n]) => `${code} ${n}`);
    return [`valid ${this.valid}`, ...codes, `crashes ${this.crashes.length}`, `hangs ${this.hangs.length}`].join('  ');
  }
}
