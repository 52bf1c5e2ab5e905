import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/**
 * No user text can reach a code evaluator or a shell if no source file has one: Glimmer compiles a
 * model to closures and a tfjs graph, never to code it evaluates, and runs no other programs.
 * eslint's no-eval and no-new-func catch the direct forms; this also catches the module imports, the
 * Function constructor called without `new`, and the child-process calls.
 */
const FORBIDDEN: readonly [string, RegExp][] = [
  ['eval', /(?<![\w.])eval\s*\(/],
  ['the Function constructor', /(?<![\w.])(?:new\s+)?Function\s*\(/],
  ['child_process', /child_process/],
  ['node:vm', /['"](?:node:)?vm['"]/],
  ['a shell command', /(?<![\w.])(?:exec|execSync|execFile|execFileSync|spawnSync|fork)\s*\(/],
  ['a shell option', /\bshell\s*:\s*true/],
];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(?:ts|mts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('no code evaluation or shell in src/', () => {
  const files = sourceFiles(join(ROOT, 'src'));

  it('scans every source file', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('finds none of eval, Function, child_process, vm, exec or spawn', () => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const [what, pattern] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${what}: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('would find each of them', () => {
    const samples = ['eval(text)', 'new Function("x", body)', 'Function(body)()', "import { exec } from 'node:child_process'",
      "import vm from 'node:vm'", 'exec(`ls ${dir}`)', 'spawnSync("sh", args)', '{ shell: true }'];
    for (const sample of samples) expect(FORBIDDEN.some(([, pattern]) => pattern.test(sample)), sample).toBe(true);
    for (const fine of ['pattern.exec(line)', 'evaluate(x)', 'isFunction(f)', 'logFunction(x)']) {
      expect(FORBIDDEN.some(([, pattern]) => pattern.test(fine)), fine).toBe(false);
    }
  });
});
