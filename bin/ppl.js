#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { relaunchOptions, v8Flags } from '../dist/bundle/relaunch.mjs';

const args = process.argv.slice(2);
for (const flag of v8Flags(args)) v8.setFlagsFromString(flag);
// fit-genes with a worker on every core runs without V8's background threads, which exist only when
// Node starts (src/cli/relaunch.ts): start again with them off.
const again = relaunchOptions(args, process.execArgv);
if (again) {
  const child = spawn(process.execPath, [...process.execArgv, ...again, fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
  // A signal to this process is the child's (Ctrl-C reaches both: the same process group); each finished
  // gene is already on disk for --resume. The exit code is the child's, 128 + n for its signal.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const numbers = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  child.on('error', (e) => {
    process.stderr.write(`error: could not start ${process.execPath} again for fit-genes (${e.message}); run it as node --single-threaded bin/ppl.js ...\n`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (numbers[signal] ?? 0);
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
