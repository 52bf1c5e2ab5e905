import tseslint from 'typescript-eslint';

// Layering: data flows one way (language -> compiler -> api -> cli); engines see only core, math and diagnostics.
// A later entry's no-restricted-imports replaces an earlier one's for the files both match, so each folder
// appears in one layer only, and a layer that must also keep Node out says so itself (browser: true).
const NO_NODE = {
  group: ['node:*', 'fs', 'path', 'zlib', 'os', 'worker_threads', 'child_process'],
  message: 'the core runs in a browser: no Node modules outside src/cli and src/io',
};
const layer = (files, patterns, message, { browser = false } = {}) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }, ...(browser ? [NO_NODE] : [])] }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'grammar/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  layer(['src/engines/**', 'src/diagnostics/**', 'src/math/**'], ['**/language/**', '**/compiler/**', '**/api/**', '**/cli/**'],
    'engines, diagnostics and math see only core, math and diagnostics', { browser: true }),
  layer(['src/language/**'], ['**/compiler/**', '**/engines/**', '**/api/**', '**/cli/**', '@tensorflow/*'],
    'the language layer knows nothing of the compiler, engines or tfjs', { browser: true }),
  layer(['src/compiler/**'], ['**/engines/**', '**/api/**', '**/cli/**'], 'the compiler does not know engines or the API', { browser: true }),
  layer(['src/cli/**'], ['**/core/**', '**/compiler/**', '**/engines/**', '**/language/**', '**/data/**', '**/diagnostics/**', '**/math/**',
    '**/genes/**', '!**/io/genes/**', '**/bijectors/**', '**/distributions/**'],
    'the CLI uses the library as any application would: it imports only api, io, plots and results'),
  layer(['src/api/**', 'src/core/**', 'src/data/**'], NO_NODE.group, NO_NODE.message),
);
