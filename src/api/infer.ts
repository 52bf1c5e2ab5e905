import { createRng } from '../core/rng.js';
import { GlimmerError } from '../core/errors.js';
import { ENGINE_RUNNERS, ENGINES, type EngineName } from './engines.js';
import type { EngineResult } from '../engines/result.js';
import { evalExpr } from '../compiler/eval_f64.js';
import { splitValues } from '../compiler/layout.js';
import { summarizeDraws, type SummaryRow } from '../results/summary.js';
import type { Model } from './compile.js';
import type { BackendName } from './backend_choice.js';

export { ENGINES, type EngineName };

export interface InferOptions {
  readonly engine?: EngineName;
  readonly seed?: number;
  readonly draws?: number;
  readonly psis?: boolean;
  readonly backend?: BackendName;
  /** Engine-specific settings (see each engine's options in docs/engines.md). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface Fit {
  readonly engine: EngineName;
  readonly settings: { readonly seed: number; readonly draws: number; readonly psis: boolean; readonly backend: string; readonly backendChoice: string };
  /** Constrained parameters then generated quantities, one name per column of `draws`. */
  readonly names: readonly string[];
  readonly draws: readonly Float64Array[];
  readonly weights?: Float64Array;
  readonly summary: readonly SummaryRow[];
  readonly diagnostics: EngineResult['diagnostics'];
  readonly warnings: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
}

export const DEFAULT_SEED = 1;
export const DEFAULT_DRAWS = 4000;

/** Runs an engine on a compiled model and maps its draws to named, constrained quantities. */
export async function infer(model: Model, options: InferOptions = {}): Promise<Fit> {
  const engine = options.engine ?? 'laplace';
  if (!(ENGINES as readonly string[]).includes(engine)) {
    throw new GlimmerError([{ code: 'E403', message: `unknown engine '${engine}'`, hint: `engines: ${ENGINES.join(', ')}` }]);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  const nDraws = options.draws ?? DEFAULT_DRAWS;
  const psis = options.psis ?? false;
  const t0 = performance.now();
  const ld = await model.logDensity({ backend: options.backend ?? 'auto' });
  const t1 = performance.now();
  try {
    const result = await ENGINE_RUNNERS[engine](ld, { draws: nDraws, rng: createRng(seed), psis, settings: options.settings ?? {} });
    const ir = model.ir;
    const draws = result.draws.map((theta) => {
      const values = ld.constrain(theta);
      const gen = ir.generated.map((g) => evalExpr(g.expr, splitValues(ir, values), ir.data) as number);
      const row = new Float64Array(values.length + gen.length);
      row.set(values);
      row.set(gen, values.length);
      return row;
    });
    const names = [...ld.names, ...ir.generated.map((g) => g.name)];
    return {
      engine, settings: { seed, draws: nDraws, psis, backend: ld.backend, backendChoice: ld.choice }, names, draws, weights: result.weights,
      summary: summarizeDraws(names, draws, result.weights, result.chains),
      diagnostics: result.diagnostics, warnings: result.warnings,
      timings: { compileMs: t1 - t0, ...result.timings, totalMs: performance.now() - t0 },
    };
  } finally {
    ld.dispose();
  }
}
