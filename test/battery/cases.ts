import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../src/io/load_model.js';
import { inferFit, type EngineName, type Fit } from '../../src/api/infer.js';
import { GlimmerError, InferenceError } from '../../src/core/errors.js';
import type { Reference, Row } from './compare.js';

/** The battery's folder: one folder per case with model.glmm, its data, model.stan and reference.json. */
export const BATTERY_DIR = fileURLToPath(new URL('./', import.meta.url));

export interface Case {
  readonly name: string;
  readonly model: string;
  readonly ref: Reference;
  /** Summary names that are random effects (latent coordinates, their standardised forms, quantities derived from them). */
  readonly isRandom: (name: string) => boolean;
  /** Whether the model has a latent field (random effects) for the nested engines to integrate out. */
  readonly hierarchical: boolean;
  /** Number of unconstrained parameters. */
  readonly dim: number;
}

/** Every case with a reference.json, in name order. */
export async function batteryCases(): Promise<Case[]> {
  const names = readdirSync(BATTERY_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${BATTERY_DIR}${d.name}/reference.json`))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(names.map(loadCase));
}

export async function loadCase(name: string): Promise<Case> {
  const model = `${BATTERY_DIR}${name}/model.glmm`;
  const ref = JSON.parse(readFileSync(`${BATTERY_DIR}${name}/reference.json`, 'utf8')) as Reference;
  const ld = await loadModel(model).logDensity();
  // The constrained names of the random effects (latent coordinates that are not fixed effects) and of
  // everything else the model samples: fixed effects and hyperparameters.
  const linear = new Set(ld.linear ?? []);
  const random = new Set(ld.latent.filter((i) => !linear.has(i)).map((i) => ld.names[i]));
  const parameters = new Set(ld.names);
  // Quantities not among the parameters are generated or derived ones: functions of the random effects.
  const isRandom = (n: string): boolean => random.has(n) || !parameters.has(n);
  return { name, model, ref, isRandom, hierarchical: random.size > 0, dim: ld.dim };
}

export interface Outcome {
  readonly fit?: Fit;
  readonly rows: readonly Row[];
  readonly error?: { readonly code: string; readonly message: string };
  readonly seconds: number;
}

export type Mode = 'ml' | 'reml' | 'posterior';

/** Fits a case in this process, as the CLI would (same API, same defaults); a user-facing error is an outcome, not a throw. */
export async function fitCase(c: Case, engine: EngineName, mode: Mode, seed = 1): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const m = loadModel(c.model, { ml: mode === 'ml' || mode === 'reml', reml: mode === 'reml' });
    const fit = await inferFit(m, { engine, seed });
    return { fit, rows: fit.summary, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    const seconds = (performance.now() - t0) / 1000;
    if (e instanceof InferenceError) return { rows: [], error: { code: e.code, message: e.message }, seconds };
    if (!(e instanceof GlimmerError)) throw e;
    const d = e.diagnostics[0];
    return { rows: [], error: { code: d.code, message: d.message }, seconds };
  }
}

export interface CliRun {
  readonly code: number;
  readonly seconds: number;
  readonly rows: Row[];
  readonly run?: { readonly diagnostics: Record<string, unknown>; readonly warnings: readonly { readonly code: string; readonly message: string }[] };
  readonly stderr: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * One `ppl infer` (the built CLI, bin/ppl.js) from process start to exit, with the summary and run.json
 * from its --out folder. Asynchronous: a long fit in a child process leaves the caller's event loop free
 * (a test worker blocked for a minute loses its connection to vitest).
 */
export async function runCli(model: string, flags: readonly string[]): Promise<CliRun> {
  const out = mkdtempSync(join(tmpdir(), 'battery-'));
  try {
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve, reject) => {
      const p = spawn(process.execPath, ['bin/ppl.js', 'infer', relative(ROOT, model), ...flags, '--out', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      p.on('error', reject);
      p.on('close', (c) => resolve({ code: c ?? -1, stderr: err }));
    });
    const seconds = (performance.now() - t0) / 1000;
    if (code !== 0) return { code, seconds, rows: [], stderr };
    return { code, seconds, rows: readSummary(join(out, 'summary.csv')), run: JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')), stderr };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function readSummary(file: string): Row[] {
  const records = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
  return records.map((r) => ({ name: r.name, mean: Number(r.mean), sd: Number(r.sd), mcseMean: r.mcse_mean === undefined ? undefined : Number(r.mcse_mean) }));
}
