import { fileURLToPath } from 'node:url';
import { compile, type Model } from '../src/api/compile.js';
import { GlimmerError } from '../src/core/errors.js';
import { loadModel } from '../src/io/load_model.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A model from source and inline CSV text, as a library user would compile it. */
export function compileText(source: string, csv?: string): Model {
  return compile(source, { fileName: 'test.glmm', data: csv === undefined ? undefined : { text: csv, file: 'test.csv' } });
}

/** One of the repository's models, loaded through the Node entry point like the CLI does. */
export function loadRepoModel(name: string, options: { reduce?: boolean } = {}): Model {
  return loadModel(`${ROOT}models/${name}`, options);
}

/** What compiling says: each diagnostic as `code: message (hint)`, joined by '; ', or 'compiled'. */
export function compileMessage(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    if (e instanceof GlimmerError) return e.diagnostics.map((d) => `${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`).join('; ');
    throw e;
  }
  return 'compiled';
}

/**
 * Nested Laplace's posterior beside NUTS's on the same model (2 chains x 1,000 draws): each named
 * quantity's mean within `meanTol` NUTS posterior sds (NUTS's Monte Carlo error at ~2,000 draws is about
 * 0.03 sd) and, with `sdTol`, its sd within that relative distance of NUTS's.
 */
export async function expectLaplaceAgreesWithNuts(model: Model, names: readonly string[], o: { meanTol?: number; sdTol?: number; warmup?: number } = {}): Promise<void> {
  const { inferFit } = await import('../src/api/infer.js');
  const { expect } = await import('vitest');
  const [laplace, nuts] = await Promise.all([
    inferFit(model, { engine: 'laplace', seed: 1, draws: 2000 }),
    inferFit(model, { engine: 'nuts', seed: 1, settings: { chains: 2, warmup: o.warmup ?? 500, drawsPerChain: 1000 } }),
  ]);
  const rows = (f: typeof laplace) => new Map(f.summary.map((r) => [r.name, r]));
  const [l, n] = [rows(laplace), rows(nuts)];
  for (const name of names) {
    const [a, b] = [l.get(name)!, n.get(name)!];
    expect(Math.abs(a.mean - b.mean) / b.sd, name).toBeLessThan(o.meanTol ?? 0.2);
    if (o.sdTol !== undefined) expect(Math.abs(a.sd / b.sd - 1), `${name} sd`).toBeLessThan(o.sdTol);
  }
}
