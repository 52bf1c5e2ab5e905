import tseslint from 'typescript-eslint';

// Layering: data flows one way (language -> compiler -> api -> cli); engines see only core, math and diagnostics.
const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
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
    'engines, diagnostics and math see only core, math and diagnostics'),
  layer(['src/language/**'], ['**/compiler/**', '**/engines/**', '**/api/**', '**/cli/**', '@tensorflow/*'],
    'the language layer knows nothing of the compiler, engines or tfjs'),
  layer(['src/compiler/**'], ['**/engines/**', '**/api/**', '**/cli/**'], 'the compiler does not know engines or the API'),
  layer(['src/cli/**'], ['**/core/**', '**/compiler/**', '**/engines/**', '**/language/**', '**/data/**', '**/diagnostics/**', '**/math/**',
    '**/genes/**', '!**/io/genes/**', '**/bijectors/**', '**/distributions/**'],
    'the CLI uses the library as any application would: it imports only api, io, plots and results'),
  layer(['src/api/**', 'src/core/**', 'src/language/**', 'src/compiler/**', 'src/engines/**', 'src/data/**'],
    ['node:*', 'fs', 'path', 'zlib', 'os', 'worker_threads', 'child_process'], 'the core runs in a browser: no Node modules outside src/cli and src/io'),
);
