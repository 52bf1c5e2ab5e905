import { describe, expect, it } from 'vitest';
import { relaunchOptions } from '../../src/cli/relaunch.js';

// Which commands bin/ppl.js starts again without V8's background threads: fit-genes with a worker
// thread on every core, and nothing else.
describe('relaunchOptions', () => {
  it('fit-genes whose workers fill the cores: --single-threaded', () => {
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--ml'], [], 2)).toEqual(['--single-threaded']);
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--workers', '2'], [], 2)).toEqual(['--single-threaded']);
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--workers=4'], [], 2)).toEqual(['--single-threaded']);
  });
  it('a core to spare, the main thread, the queue, help, another command, or already started so: as it is', () => {
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--workers', '1'], [], 2)).toBeUndefined();
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--workers', '0'], [], 1)).toBeUndefined();
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--queue', 'redis://h:6379'], [], 2)).toBeUndefined();
    expect(relaunchOptions(['fit-genes', '--help'], [], 2)).toBeUndefined();
    expect(relaunchOptions(['infer', 'm.glmm', '--engine', 'nuts'], [], 2)).toBeUndefined();
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad'], ['--single-threaded'], 2)).toBeUndefined();
    // Not a number: the CLI's own check reports it, in this process.
    expect(relaunchOptions(['fit-genes', 'm.glmm', 'x.h5ad', '--workers', 'two'], [], 2)).toBeUndefined();
  });
});
