import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../src/io/load_model.js';
import { infer, type EngineName, type Fit } from '../../src/api/infer.js';
import { GlimmerError } from '../../src/core/errors.js';
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
}

/** Every case with a reference.json, in name order. */
export function batteryCases(): Case[] {
  return readdirSync(BATTERY_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${BATTERY_DIR}${d.name}/reference.json`))
    .map((d) => loadCase(d.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function loadCase(name: string): Case {
  const model = `${BATTERY_DIR}${name}/model.glmm`;
  const ref = JSON.parse(readFileSync(`${BATTERY_DIR}${name}/reference.json`, 'utf8')) as Reference;
  const m = loadModel(model);
  const { ir } = m;
  // Parameter names (constrained) that are not latent: fixed effects and hyperparameters.
  const latent = new Set(ir.params.filter((p) => p.latent).map((p) => p.name));
  const outer = new Set<string>();
  for (const p of ir.params) if (!p.latent) outer.add(p.name);
  const isRandom = (n: string): boolean => {
    if (n.startsWith('z:')) return true;
    const base = n.replace(/\[.*$/, '');
    if (latent.has(base)) return true;
    if (outer.has(base) || base === 'sigma' || base === 'sd' || base === 'cor') return outerName(n, ir.params.map((p) => p.name));
    return true; // generated and derived quantities: functions of the random effects
  };
  return { name, model, ref, isRandom, hierarchical: latent.size > 0 };
}

function outerName(n: string, params: readonly string[]): boolean {
  return !params.includes(n.replace(/\[.*$/, '')) && !/^(sigma|sd|cor)(\[|$)/.test(n);
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
    const fit = await infer(m, { engine, seed });
    return { fit, rows: fit.summary, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    const d = e.diagnostics[0];
    return { rows: [], error: { code: d.code, message: d.message }, seconds: (performance.now() - t0) / 1000 };
  }
}
