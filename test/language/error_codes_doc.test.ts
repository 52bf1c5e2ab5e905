import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('docs/language.md lists every error code', () => {
  it('has a row for each code that src/ can raise, and none that it cannot', () => {
    const used = new Set(sources(join(ROOT, 'src')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/['"](E\d{3})['"]/g)].map((m) => m[1])));
    const doc = readFileSync(join(ROOT, 'docs/language.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| (E\d{3}) \|/gm)].map((m) => m[1]));
    expect([...used].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !used.has(c)).sort()).toEqual([]);
  });
});
