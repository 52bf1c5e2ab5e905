import { writeFileSync } from 'node:fs';
import { cstTypesSource, grammarDiagramsHtml, grammarEbnf } from '../src/language/grammar_doc.js';

// Regenerates the files rendered from the parser; test/language/grammar_files.test.ts checks they are fresh.
const root = new URL('../', import.meta.url);
const outputs: Array<[string, string]> = [
  ['grammar/glimmer.ebnf', grammarEbnf()],
  ['grammar/diagrams.html', grammarDiagramsHtml()],
  ['src/language/cst_types.ts', cstTypesSource()],
];
for (const [path, text] of outputs) {
  writeFileSync(new URL(path, root), text);
  console.log(`wrote ${path}`);
}
