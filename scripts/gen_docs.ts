import { readFileSync, writeFileSync } from 'node:fs';
import { docsWithCliReference } from '../src/cli/help_doc.js';

// Regenerates the reference part of docs/cli.md from the CLI itself; test/cli/cli_doc.test.ts checks it is fresh.
const path = new URL('../docs/cli.md', import.meta.url);
writeFileSync(path, await docsWithCliReference(readFileSync(path, 'utf8')));
console.log('wrote docs/cli.md');
