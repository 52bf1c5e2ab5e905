// One size of the scaling bench, in a fresh process: `node --expose-gc --import tsx bench/scaling_worker.ts MODEL`
// prints the in-process timings of measureInProcess as one line of JSON (the last line of stdout).
import { measureInProcess } from './scaling.js';

const model = process.argv[2];
if (!model) throw new Error('usage: node --import tsx bench/scaling_worker.ts MODEL');
process.stdout.write(JSON.stringify(await measureInProcess(model)) + '\n');
