import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docsWithCliReference } from '../../src/cli/help_doc.js';
import { ROOT } from '../helpers.js';

describe('docs/cli.md', () => {
  it('holds the current --help of every command (npm run docs regenerates it)', async () => {
    const doc = readFileSync(`${ROOT}docs/cli.md`, 'utf8');
    expect(await docsWithCliReference(doc)).toBe(doc);
    for (const c of ['check', 'infer']) expect(doc).toContain(`### \`ppl ${c}\``);
  });
});
