import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

/**
 * No user text can reach a code evaluator or a shell: Glimmer runs no other programs, and exactly one
 * module makes code at run time, the sanctioned constructor of the generated log density
 * (src/compiler/codegen/construct.ts), which compiles only source built from the IR's operator kinds,
 * indices and validated numbers and checks every token of it first (test/compiler/codegen/no_user_text.test.ts
 * feeds it models full of code-like names). eslint's no-eval and no-new-func catch the direct forms;
 * this also catches the module imports, the Function constructor called without `new`, and the
 * child-process calls, and holds the one exception to one line of one file.
 */
const SANCTIONED = 'src/compiler/codegen/construct.ts';
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

  const scan = (): string[] => {
    const found: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const [what, pattern] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${relative(ROOT, file)}:${i + 1}: ${what}: ${line.trim()}`);
        }
      });
    }
    return found;
  };

  it('finds none of eval, Function, child_process, vm, exec or spawn, but the one sanctioned constructor', () => {
    const found = scan();
    const sanctioned = found.filter((f) => f.startsWith(`${SANCTIONED}:`));
    expect(found.filter((f) => !f.startsWith(`${SANCTIONED}:`))).toEqual([]);
    // One Function constructor there, and nothing else of the list.
    expect(sanctioned).toHaveLength(1);
    expect(sanctioned[0]).toMatch(/: the Function constructor: const factory = new Function\('D', 'C', 'X', 'G', 'H', 'T', source\)/);
  });

  it('the sanctioned module is the only one that imports nothing but checks its text first', () => {
    const text = readFileSync(join(ROOT, SANCTIONED), 'utf8');
    expect(text).not.toMatch(/^import /m);
    // The vocabulary check runs before the constructor, in the same function.
    const body = text.slice(text.indexOf('export function constructFactory'));
    expect(body.indexOf('assertGeneratedVocabulary(source)')).toBeGreaterThan(0);
    expect(body.indexOf('assertGeneratedVocabulary(source)')).toBeLessThan(body.indexOf('new Function'));
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
