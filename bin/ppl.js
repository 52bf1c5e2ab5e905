#!/usr/bin/env node
import { main } from '../dist/bundle/main.mjs';

// A closed pipe (ppl ... | head) ends the output, not the program with a stack trace.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
