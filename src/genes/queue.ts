import type { Job } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { userError } from '../core/errors.js';
import type { Column, DataTable } from '../data/table.js';
import { parseModel } from '../api/compile.js';
import { geneCounts, type CountMatrix } from '../io/genes/read.js';
import { fitGene, type GeneJob, type GeneResult } from './fit_gene.js';
import { decodeResult, encodeResult } from './output.js';
import type { GenesWorkerInit } from './protocol.js';

/**
 * fit-genes past one machine, on BullMQ (Redis): the coordinator puts the run's setup in Redis and the
 * genes on a queue in chunks; `ppl worker` processes on any machine take chunks, fit their genes and
 * write each gene's result into one Redis hash per run, keyed by the gene, with HSETNX. BullMQ delivers
 * a chunk at least once (a worker that dies holding one leaves it stalled, and the chunk is handed out
 * again); the first result written for a gene is the one kept, and a retried chunk skips the genes
 * already there, so every gene ends with exactly one result. The coordinator waits until every gene has
 * one, then writes the same files a local run writes.
 */
export const QUEUE = 'glimmer-genes';

const runKey = (run: string): string => `glimmer:run:${run}`;
const resultsKey = (run: string): string => `glimmer:results:${run}`;
/** Per chunk, how many times a worker started it and which process holds it: what the coordinator (and the tests) can see. */
export const attemptsKey = (run: string): string => `glimmer:attempts:${run}`;
export const holderKey = (run: string): string => `glimmer:holder:${run}`;
/** A run's keys expire after a week unless the coordinator removes them first. */
const TTL_SECONDS = 7 * 24 * 3600;

export interface ChunkData {
  readonly run: string;
  readonly chunk: number;
  readonly genes: readonly { readonly gene: string; readonly cellIndex: readonly number[]; readonly values: readonly number[] }[];
}

/** redis://host:port[/db] as BullMQ's connection options; a user's typo is a located error, not a crash. */
export function redisConnection(url: string): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw userError('E448', `'${url}' is not a Redis URL`, { hint: 'write redis://HOST:PORT, e.g. redis://127.0.0.1:6379' });
  }
  if (u.protocol !== 'redis:') throw userError('E448', `'${url}' is not a Redis URL`, { hint: 'write redis://HOST:PORT, e.g. redis://127.0.0.1:6379' });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 6379), db, password: u.password || undefined, maxRetriesPerRequest: null };
}

/** The cells table as JSON-safe arrays, and back (typed arrays do not survive JSON). */
function tableToJson(t: Omit<DataTable, 'lineOf'>): unknown {
  return { file: t.file, nRows: t.nRows, columns: [...t.columns.values()].map((c) => (c.kind === 'numeric' ? { ...c, values: Array.from(c.values) } : { ...c, codes: Array.from(c.codes) })) };
}

function tableFromJson(j: { file: string; nRows: number; columns: ({ kind: 'numeric'; values: number[] } | { kind: 'factor'; codes: number[] })[] }): Omit<DataTable, 'lineOf'> {
  const columns = new Map<string, Column>(j.columns.map((c) => {
    const col = (c.kind === 'numeric' ? { ...c, values: Float64Array.from(c.values) } : { ...c, codes: Int32Array.from(c.codes) }) as Column;
    return [col.name, col];
  }));
  return { file: j.file, nRows: j.nRows, columns };
}

export interface CoordinatorOptions {
  readonly url: string;
  /** The run's id: the same command gives the same id, so a restarted coordinator finds its results. */
  readonly run: string;
  readonly chunkSize: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Chunks that failed for good (every attempt used), with BullMQ's reason. */
  readonly onFailure?: (chunk: number, reason: string) => void;
  readonly pollMs?: number;
}

/** Queues the genes not yet done, waits until each has a result, and returns them in the order of `indices`. */
export async function coordinate(init: GenesWorkerInit, matrix: CountMatrix, indices: readonly number[], o: CoordinatorOptions): Promise<GeneResult[]> {
  const { Queue, QueueEvents } = await import('bullmq');
  const connection = redisConnection(o.url);
  const redis = await connect(connection);
  const queue = new Queue(QUEUE, { connection });
  const events = new QueueEvents(QUEUE, { connection });
  try {
    await redis.set(runKey(o.run), JSON.stringify({ ...init, cells: tableToJson(init.cells) }), 'EX', TTL_SECONDS);
    const done = new Set(await redis.hkeys(resultsKey(o.run)));
    const todo = indices.filter((g) => !done.has(matrix.genes[g]));
    const chunks: number[][] = [];
    for (let a = 0; a < todo.length; a += o.chunkSize) chunks.push(todo.slice(a, a + o.chunkSize));
    const failed = new Map<number, string>();
    events.on('failed', ({ jobId, failedReason }) => {
      const chunk = Number(jobId.split('-').pop());
      if (!failed.has(chunk)) {
        failed.set(chunk, failedReason);
        o.onFailure?.(chunk, failedReason);
      }
    });
    await events.waitUntilReady();
    // A job id per run and chunk: adding it again (a restarted coordinator) does not queue it twice.
    await queue.addBulk(chunks.map((genes, chunk) => ({
      name: 'chunk',
      data: { run: o.run, chunk, genes: genes.map((g) => {
        const c = geneCounts(matrix, g);
        return { gene: c.gene, cellIndex: Array.from(c.cellIndex), values: Array.from(c.values) };
      }) } satisfies ChunkData,
      opts: { jobId: `${o.run}-${chunk}`, attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: false },
    })));
    const wanted = new Set(indices.map((g) => matrix.genes[g]));
    for (;;) {
      const have = await redis.hlen(resultsKey(o.run));
      o.onProgress?.(Math.min(have, wanted.size), wanted.size);
      if (have >= wanted.size) break;
      if (failed.size > 0) {
        // A chunk that failed for good will not bring its genes: stop once nothing else is pending.
        const c = await queue.getJobCounts('waiting', 'active', 'delayed');
        if (c.waiting + c.active + c.delayed === 0) break;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 200));
    }
    const stored = await redis.hgetall(resultsKey(o.run));
    const out = indices.map((g) => {
      const gene = matrix.genes[g];
      const text = stored[gene];
      if (text) return decodeResult(text);
      const chunk = chunks.findIndex((c) => c.includes(g));
      return { gene, status: 'failed', detail: `its chunk failed on every attempt: ${failed.get(chunk) ?? 'unknown reason'}`, rows: [], seconds: 0 } satisfies GeneResult;
    });
    // The setup and the results are in the files now; the record of who ran what stays a day, for audit.
    if (failed.size === 0) await redis.del(runKey(o.run), resultsKey(o.run));
    await redis.expire(attemptsKey(o.run), 24 * 3600);
    await redis.expire(holderKey(o.run), 24 * 3600);
    return out;
  } finally {
    await events.close();
    await queue.close();
    redis.disconnect();
  }
}

/** A plain client for the run's own keys (BullMQ keeps its connections to itself); an unreachable server is the user's problem. */
async function connect(options: RedisOptions): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...options, lazyConnect: true, retryStrategy: () => null });
  // Failures surface through connect() and the commands' own promises; the client's event would print them again.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw userError('E449', `cannot reach Redis at ${options.host}:${options.port}: ${e instanceof Error ? e.message : String(e)}`, { hint: 'start redis-server there, or give --queue the right redis://HOST:PORT' });
  }
  // Reconnect from here on: a server restart during a long run should not end it.
  redis.options.retryStrategy = (times: number) => Math.min(times * 200, 5000);
  return redis;
}

export interface QueueWorkerOptions {
  readonly url: string;
  /** Seconds a chunk's lock lasts without renewal: a worker silent this long is taken for dead and its chunk handed out again. */
  readonly lockSeconds: number;
  readonly onChunk?: (run: string, chunk: number, genes: number) => void;
}

/** A process that takes chunks off the queue until `stop` is called; resolves when it has stopped. */
export async function serveQueue(o: QueueWorkerOptions): Promise<{ stop: () => Promise<void> }> {
  const { Worker } = await import('bullmq');
  const connection = redisConnection(o.url);
  const redis = await connect(connection);
  const jobs = new Map<string, GeneJob>();
  const worker = new Worker(QUEUE, async (job: Job<ChunkData>) => {
    const { run, chunk, genes } = job.data;
    await redis.hincrby(attemptsKey(run), String(chunk), 1);
    await redis.hset(holderKey(run), String(chunk), String(process.pid));
    let gj = jobs.get(run);
    if (!gj) {
      const text = await redis.get(runKey(run));
      if (!text) throw new Error(`run ${run} has no setup in Redis (expired, or removed by its coordinator)`);
      const init = JSON.parse(text) as GenesWorkerInit & { cells: Parameters<typeof tableFromJson>[0] };
      gj = { ...init, cells: tableFromJson(init.cells), program: parseModel(init.source, init.fileName) };
      jobs.set(run, gj);
    }
    o.onChunk?.(run, chunk, genes.length);
    for (const g of genes) {
      if (await redis.hexists(resultsKey(run), g.gene)) continue;
      const r = await fitGene(gj, g.gene, g.cellIndex, g.values);
      await redis.hsetnx(resultsKey(run), g.gene, encodeResult(r));
      // Back to the event loop between genes, so that BullMQ can renew the chunk's lock.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return genes.length;
  }, { connection, concurrency: 1, lockDuration: o.lockSeconds * 1000, stalledInterval: o.lockSeconds * 1000, maxStalledCount: 3 });
  await worker.waitUntilReady();
  return {
    stop: async () => {
      await worker.close();
      redis.disconnect();
    },
  };
}
