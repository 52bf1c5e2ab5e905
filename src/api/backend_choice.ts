import type { LogDensity } from '../core/log_density.js';
import type { ModelIR } from '../compiler/ir.js';
import { emitCompiledJs } from '../compiler/codegen/compiled.js';
import { explainNonFinite } from '../compiler/js/explain.js';
import { sumLogDensities } from './hybrid.js';
import { latentCoordinates, linearCoordinates } from '../compiler/latent.js';
import { latentHessian } from '../compiler/latent/hessian.js';
import { hierarchiesOf } from '../compiler/latent/hierarchy.js';
import { aliasedFixedEffects, boundedFixedEffects } from '../compiler/latent/aliased.js';
import { countStart } from '../compiler/latent/count_start.js';
import { once } from '../core/once.js';

/** tfjs is loaded only when a model needs it: importing it costs ~0.4 s of start-up. */
async function loadTfjsEmitter(): Promise<typeof import('../compiler/tfjs/emit.js')> {
  const [emit, backend] = await Promise.all([import('../compiler/tfjs/emit.js'), import('../compiler/tfjs/backend.js')]);
  await backend.initTfjs();
  return emit;
}

export const BACKENDS = ['auto', 'tfjs', 'js', 'measure'] as const;
export type BackendName = (typeof BACKENDS)[number];

/**
 * 'auto' decides by size alone, so that the same seed gives the same numbers on every run and
 * machine (the two backends round differently): below this many row terms float64 JS wins
 * (tfjs-notes: ~100-350 us of fixed cost per tfjs call; JS needs ~2 us for 160 cells and ~5 ms for
 * 30,000 rows), above it the tfjs graph does. 'measure' times both on this machine instead.
 */
const JS_BELOW = 50_000;
const WARMUP = 3;
const PROBES = 5;

export type TimedLogDensity = LogDensity & { readonly backend: 'tfjs' | 'js'; readonly choice: string };

function medianMs(ld: LogDensity, theta: Float64Array): number {
  for (let i = 0; i < WARMUP; i++) ld.valueAndGrad(theta);
  const t: number[] = [];
  for (let i = 0; i < PROBES; i++) {
    const t0 = performance.now();
    ld.valueAndGrad(theta);
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[PROBES >> 1];
}

/**
 * The log density on the requested backend, or on the faster one ('auto'), saying why. tfjs always
 * gets the row-wise IR: per-cell sums of thousands of counts lose too much in float32 (the gradient
 * error grows with the sums), and the reduced model is small enough for JS anyway.
 */
export async function makeLogDensity(ir: ModelIR, rowwise: ModelIR, backend: BackendName): Promise<TimedLogDensity> {
  if (ir.reduction && backend !== 'tfjs') {
    // A non-finite value is explained on the rows the user wrote, not on the cells they were summed into.
    return Object.assign(emitCompiledJs(ir), { choice: `reduced to ${ir.data.nRows} cells: float64 JS`, explainNonFinite: (t: Float64Array) => explainNonFinite(rowwise, t) });
  }
  ir = rowwise;
  const terms = ir.data.nRows;
  if (backend === 'js' || (backend === 'auto' && terms < JS_BELOW)) {
    return Object.assign(emitCompiledJs(ir), { choice: backend === 'js' ? 'forced by --backend js' : `${terms} row terms: float64 JS` });
  }
  const rowIr = ir;
  // Row terms on tfjs; priors and Jacobians (parameter-level, few) in float64 JS.
  const rowTerms = (await loadTfjsEmitter()).emitTfjs({ ...ir, priors: [], ml: true });
  const tfjs = Object.assign(sumLogDensities(rowTerms, emitCompiledJs({ ...ir, likelihoods: [] })),
    {
      float64Twin: () => emitCompiledJs(rowIr), explainNonFinite: (t: Float64Array) => explainNonFinite(rowIr, t),
      // The latent field is the whole model's: the row graph alone lacks the priors.
      latent: latentCoordinates(rowIr), linear: linearCoordinates(rowIr), latentHessian: (c: readonly number[]) => latentHessian(rowIr, c),
      hierarchies: hierarchiesOf(rowIr), aliased: once(() => aliasedFixedEffects(rowIr)), boundedFixedEffects: once(() => boundedFixedEffects(rowIr)), countStart: once(() => countStart(rowIr)),
    });
  if (backend !== 'measure') {
    return Object.assign(tfjs, { choice: backend === 'tfjs' ? 'forced by --backend tfjs' : `${terms} row terms: tfjs` });
  }
  const js = emitCompiledJs(ir);
  const theta = new Float64Array(ir.dim);
  const [a, b] = [medianMs(tfjs, theta), medianMs(js, theta)];
  const why = `measured ${a.toFixed(2)} ms (tfjs) vs ${b.toFixed(2)} ms (js) per gradient`;
  if (a < b) {
    js.dispose();
    return Object.assign(tfjs, { choice: why });
  }
  tfjs.dispose();
  return Object.assign(js, { choice: why });
}
