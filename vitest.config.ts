import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // docs/examples import the package by name, as an app would; the tests run them on the source.
  resolve: { alias: { 'glimmer-ppl': fileURLToPath(new URL('./src/api/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
