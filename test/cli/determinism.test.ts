import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ROOT } from '../helpers.js';

// Every engine, run through the CLI as a user runs it, twice with one seed and once with another. MCMC
// runs its chains in this thread (--threads 1); that worker threads give the same bytes is tested with them.
// The non-centered eight schools: small, with a latent field, fast for every engine.
const dir = mkdtempSync(join(tmpdir(), 'glimmer-determinism-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(`${ROOT}models/eight_schools_nc.glmm`, join(dir, 'model.glmm'));
copyFileSync(`${ROOT}models/eight_schools.csv`, join(dir, 'eight_schools.csv'));

const ENGINE_ARGS: Record<string, string[]> = {
  'laplace': ['--engine', 'laplace', '--draws', '200'],
  'laplace-joint': ['--engine', 'laplace-joint', '--draws', '200'],
  'laplace --ml': ['--engine', 'laplace', '--ml', '--draws', '200'],
  'advi': ['--engine', 'advi', '--draws', '200'],
  'fullrank': ['--engine', 'fullrank', '--draws', '200'],
  'nuts': ['--engine', 'nuts', '--chains', '2', '--warmup', '100', '--draws', '50', '--threads', '1'],
  'hmc': ['--engine', 'hmc', '--chains', '2', '--warmup', '100', '--draws', '50', '--threads', '1'],
};

let runs = 0;
async function outputs(args: string[], seed: number): Promise<{ summary: Buffer; draws: Buffer }> {
  const out = join(dir, `out-${runs++}`);
  const err: string[] = [];
  const code = await main(['infer', join(dir, 'model.glmm'), ...args, '--seed', String(seed), '--out', out], { out: () => {}, err: (s) => err.push(s) });
  expect(code, err.join('\n')).toBe(0);
  return { summary: readFileSync(join(out, 'summary.csv')), draws: readFileSync(join(out, 'draws.csv')) };
}

describe('the same seed gives byte-identical summary.csv and draws.csv, through the CLI', () => {
  for (const [engine, args] of Object.entries(ENGINE_ARGS)) {
    it(engine, async () => {
      const a = await outputs(args, 11);
      const b = await outputs(args, 11);
      const c = await outputs(args, 12);
      expect(b.summary.equals(a.summary)).toBe(true);
      expect(b.draws.equals(a.draws)).toBe(true);
      // ML's summary is its estimates, which no seed moves; only its draws (asked for by --draws) are random.
      expect(c.summary.equals(a.summary)).toBe(args.includes('--ml'));
      expect(c.draws.equals(a.draws)).toBe(false);
      // Not vacuous: a header and the draws asked for (chains x draws for MCMC).
      expect(a.draws.toString().trim().split('\n').length - 1).toBe(args.includes('--chains') ? 100 : 200);
    }, 120_000);
  }
});
