import { readFileSync, writeFileSync } from 'node:fs';
import { cstTypesSource, docsWithGrammar, grammarDiagramsHtml, grammarEbnf } from '../src/language/grammar_doc.js';

// Regenerates the files rendered from the parser; test/language/grammar_files.test.ts checks they are fresh.
const root = new URL('../', import.meta.url);
const outputs: Array<[string, string]> = [
  ['grammar/glimmer.ebnf', grammarEbnf()],
  ['grammar/diagrams.html', grammarDiagramsHtml()],
  ['src/language/cst_types.ts', cstTypesSource()],
  ['docs/language.md', docsWithGrammar(readFileSync(new URL('docs/language.md', root), 'utf8'))],
];
for (const [path, text] of outputs) {
  writeFileSync(new URL(path, root), text);
  console.log(`wrote ${path}`);
}
