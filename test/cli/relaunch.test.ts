import { describe, expect, it } from 'vitest';
import { relaunchOptions, v8Flags } from '../../src/cli/relaunch.js';

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

// The genes' commands tier their hot code up later (a larger interrupt budget); the others as V8 does.
describe('v8Flags', () => {
  it('fit-genes and worker: a larger interrupt budget; other commands: none', () => {
    expect(v8Flags(['fit-genes', 'm.glmm', 'x.h5ad'])).toEqual(['--interrupt-budget=200000']);
    expect(v8Flags(['worker', 'redis://h:6379'])).toEqual(['--interrupt-budget=200000']);
    expect(v8Flags(['infer', 'm.glmm'])).toEqual([]);
    expect(v8Flags([])).toEqual([]);
  });
});
