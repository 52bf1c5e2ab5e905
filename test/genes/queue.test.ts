import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptsKey, holderKey, QUEUE } from '../../src/api/genes.js';
import { runCli } from '../cli/run_cli.js';
import { ROOT } from '../helpers.js';

/**
 * fit-genes on a BullMQ queue with a real Redis (Debian's redis-server, on 127.0.0.1, started here) and
 * two `ppl worker` processes (the built CLI), one of which is killed with SIGKILL while it holds a chunk.
 */
const MODEL = `${ROOT}models/genes.glmm`;
const DATA = `${ROOT}test/fixtures/genes-300/counts.h5ad`;
const GENES = Array.from({ length: 40 }, (_, i) => `G${String(i + 1).padStart(5, '0')}`).join(',');
const LOCK_SECONDS = 2;
const tmp = mkdtempSync(join(tmpdir(), 'glimmer-queue-'));
let redisServer: ChildProcess | undefined;
let port = 0;
const workers: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function startWorker(): ChildProcess {
  const w = spawn(process.execPath, ['bin/ppl.js', 'worker', `redis://127.0.0.1:${port}`, '--lock-seconds', String(LOCK_SECONDS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  w.stdout!.setEncoding('utf8');
  w.stderr!.setEncoding('utf8');
  workers.push(w);
  return w;
}

beforeAll(async () => {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run does)');
  if (!existsSync(`${ROOT}dist/bundle/main.mjs`)) throw new Error('the workers run the built CLI: npm run build first');
  port = await freePort();
  redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => 100 });
  probe.on('error', () => undefined);
  await until('redis-server', async () => probe.connect().then(() => true, () => false));
  probe.disconnect();
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  redisServer?.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('fit-genes --queue with ppl worker processes', () => {
  it('survives a worker killed while it holds a chunk: one result per gene, only that chunk twice, same bytes as a local run', async () => {
    const redis = new Redis({ port, host: '127.0.0.1' });
    const [doomed, survivor] = [startWorker(), startWorker()];
    const ready = (w: ChildProcess): Promise<void> => new Promise((resolve) => {
      w.stdout!.on('data', (s: string) => {
        if (s.includes('waiting for fit-genes chunks')) resolve();
      });
    });
    await Promise.all([ready(doomed), ready(survivor)]);

    const out = join(tmp, 'queued');
    const coordinator = runCli(['fit-genes', MODEL, DATA, '--layer', 'counts', '--ml', '--genes', GENES, '--out', out, '--queue', `redis://127.0.0.1:${port}`, '--chunk', '5']);
    // Kill the first worker as soon as it holds a chunk whose genes are not all done.
    let run = '';
    let killedChunk = '';
    await until('a chunk held by the doomed worker', async () => {
      for (const key of await redis.keys('glimmer:holder:*')) {
        const holders = await redis.hgetall(key);
        const held = Object.entries(holders).find(([, pid]) => pid === String(doomed.pid));
        if (held) {
          run = key.slice('glimmer:holder:'.length);
          killedChunk = held[0];
          return true;
        }
      }
      return false;
    });
    doomed.kill('SIGKILL');
    const r = await coordinator;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);

    const attempts = await redis.hgetall(attemptsKey(run));
    expect(Object.keys(attempts).length).toBe(8);
    for (const [chunk, n] of Object.entries(attempts)) expect(n, `chunk ${chunk}`).toBe(chunk === killedChunk ? '2' : '1');
    expect(await redis.hget(holderKey(run), killedChunk)).toBe(String(survivor.pid));

    const local = join(tmp, 'local');
    const l = await runCli(['fit-genes', MODEL, DATA, '--layer', 'counts', '--ml', '--genes', GENES, '--out', local, '--workers', '0']);
    expect(l.code).toBe(0);
    for (const file of ['results.csv']) expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(local, file), 'utf8'));
    // genes.csv too, but for the seconds column.
    const strip = (text: string): string => text.replace(/,[0-9.]+\n/g, '\n');
    expect(strip(readFileSync(join(out, 'genes.csv'), 'utf8'))).toBe(strip(readFileSync(join(local, 'genes.csv'), 'utf8')));

    const queue = new Queue(QUEUE, { connection: { port, host: '127.0.0.1' } });
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'paused', 'prioritized', 'waiting-children');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, paused: 0, prioritized: 0, 'waiting-children': 0 });
    await queue.close();
    redis.disconnect();
  }, 180_000);

  it('says so when Redis is not there', async () => {
    const r = await runCli(['fit-genes', MODEL, DATA, '--layer', 'counts', '--ml', '--genes', 'G00003', '--out', join(tmp, 'x'), '--queue', `redis://127.0.0.1:${await freePort()}`]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[E449]: cannot reach Redis at 127.0.0.1:');
    const bad = await runCli(['fit-genes', MODEL, DATA, '--layer', 'counts', '--ml', '--genes', 'G00003', '--out', join(tmp, 'x'), '--queue', 'http://x']);
    expect(bad.err).toContain("error[E448]: 'http://x' is not a Redis URL");
  });
});
