import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:fast`: the suite without its slowest files, for the inner loop of editing. They are the 11
 * that took 230 of the suite's 360 s of test time in CI (full-ZEB2 fits with every engine, the battery
 * against lme4 and Stan, the data fuzzer, worker threads and processes). `npm test` and CI run everything.
 */
export const SLOW = [
  'test/battery/battery.test.ts',
  'test/fuzz/data.test.ts',
  'test/engines/nested/rank_deficient.test.ts',
  'test/engines/nested/clock_free.test.ts',
  'test/cli/chains.test.ts',
  'test/engines/vi/large_frame.test.ts',
  'test/genes/fit_genes.test.ts',
  'test/acceptance/zeb2_contrast.test.ts',
  'test/cli/compare.test.ts',
  'test/cli/main.test.ts',
  'test/engines/vi/zeb2_acceptance.test.ts',
];

export default mergeConfig(base, defineConfig({ test: { exclude: ['**/node_modules/**', ...SLOW] } }));
