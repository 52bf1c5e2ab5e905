import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

// What `npm publish` would ship: the CLI, the built library with its types, the grammar, the example
// models and the docs; never the tests, benchmarks, CI or build scripts (package.json "files").
describe('the npm package', () => {
  it('holds what an installer runs and nothing of the repository\'s tooling', () => {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(json) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    for (const needed of ['bin/ppl.js', 'dist/bundle/main.mjs', 'dist/src/api/index.js', 'dist/src/api/index.d.ts', 'package.json', 'README.md']) {
      expect(files, needed).toContain(needed);
    }
    const tooling = files.filter((f) => /^(test|bench|scripts|src|\.ci|scratch|node_modules)\//.test(f) || /^(eslint\.config|tsconfig|vitest)/.test(f));
    expect(tooling).toEqual([]);
    expect(files.length).toBeLessThan(600);
  });
});
