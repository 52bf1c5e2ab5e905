import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run_cli.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-chains-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = `${ROOT}models/eight_schools_nc.glmm`;

const run = runCli;

describe('MCMC chains on worker threads', () => {
  it('gives byte-identical summary.csv and draws.csv with 1, 2 and 4 threads', async () => {
    const files = new Map<number, string[]>();
    for (const threads of [1, 2, 4]) {
      const out = join(dir, `t${threads}`);
      const r = await run(['infer', model, '--engine', 'nuts', '--seed', '3', '--warmup', '150', '--draws', '150', '--threads', String(threads), '--out', out]);
      expect(r.code, r.err).toBe(0);
      const runJson = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
      expect(runJson.diagnostics.threads).toBe(threads);
      files.set(threads, ['summary.csv', 'draws.csv'].map((f) => readFileSync(join(out, f), 'utf8')));
    }
    expect(files.get(2)).toEqual(files.get(1));
    expect(files.get(4)).toEqual(files.get(1));
  }, 60_000);

  it('static HMC on threads as well', async () => {
    const r = await run(['infer', model, '--engine', 'hmc', '--warmup', '100', '--draws', '100', '--threads', '2']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('4 chains x 100 draws');
  }, 60_000);
});

describe('Ctrl-C', () => {
  // Through the installed binary: a real SIGINT to a real process. Warm-up is short, sampling long,
  // so the signal arrives while the first chains sample and the others wait for a thread.
  it('stops a long NUTS run, reports what was done, writes whole files and exits 130', async () => {
    const out = join(dir, 'interrupted');
    const child = spawn('node', [`${ROOT}bin/ppl.js`, 'infer', model, '--engine', 'nuts', '--warmup', '100', '--draws', '5000000', '--threads', '2', '--out', out, '--progress']);
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => {
      stderr += b;
      // The first progress line: the chains run. Their 100 warm-up iterations take well under a second;
      // the signal then finds the first two chains sampling and the others waiting for a thread.
      if (!signalled && stderr.includes('chain ')) {
        signalled = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('stopping: finishing the current transition of every chain');
    expect(stderr).toMatch(/warning: interrupted: the summary is of \d of 4 chains, cut to the first \d+ of 5000000 draws each/);
    expect(stdout).toContain('mu ');
    expect(existsSync(join(out, 'draws.csv'))).toBe(true);
    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.diagnostics.interrupted).toBe(true);
  }, 60_000);
});
