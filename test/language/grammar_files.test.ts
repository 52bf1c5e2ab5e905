import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cstTypesSource, docsWithGrammar, grammarDiagramsHtml, grammarEbnf } from '../../src/language/grammar_doc.js';

// The committed grammar files are rendered from the parser; after changing the grammar, run `npm run grammar`.
const committed = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('generated grammar files are up to date', () => {
  it.each([
    ['grammar/glimmer.ebnf', grammarEbnf],
    ['grammar/diagrams.html', grammarDiagramsHtml],
    ['src/language/cst_types.ts', cstTypesSource],
    ['docs/language.md', () => docsWithGrammar(committed('docs/language.md'))],
  ])('%s', (path, render) => {
    expect(committed(path) === render(), `${path} is stale: run \`npm run grammar\``).toBe(true);
  });

  it('renders every rule and token in W3C-style EBNF', () => {
    const ebnf = grammarEbnf();
    for (const rule of ['program', 'dataBlock', 'paramDecl', 'modelStmt', 'distCall', 'expr', 'term', 'unary', 'primary']) {
      expect(ebnf).toMatch(new RegExp(`^${rule} ::= `, 'm'));
    }
    expect(ebnf).toContain("modelStmt ::= NAME ( '=' expr | '~' distCall ) ';'?");
    expect(ebnf).toMatch(/^NUMBER ::= \//m);
  });
});
