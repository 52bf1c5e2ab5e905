#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { relaunchOptions } from '../dist/bundle/relaunch.mjs';

const args = process.argv.slice(2);
// fit-genes with a worker on every core runs without V8's background threads, which exist only when
// Node starts (src/cli/relaunch.ts): start again with them off.
const again = relaunchOptions(args, process.execArgv);
if (again) {
  const child = spawn(process.execPath, [...process.execArgv, ...again, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  // Ctrl-C reaches the child too (the same process group): it stops the run and keeps what finished.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 1);
  });
} else {
  const { main } = await import('../dist/bundle/main.mjs');
  // A closed pipe (ppl ... | head) ends the output, not the program with a stack trace.
  process.stdout.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  process.exitCode = await main(args);
}
