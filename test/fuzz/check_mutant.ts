import { compile } from '../../src/api/compile.js';
import { GlimmerError, type Diagnostic } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { describeCheck } from '../../src/cli/report.js';
import type { SeedModel } from './seeds.js';

/** A check slower than this is a hang: `ppl check` on a small model takes milliseconds. */
export const HANG_MS = 1000;

/**
 * How a mutant ended. `valid` and `error` (a GlimmerError whose every diagnostic is located) are the
 * two acceptable ends; `crash` is anything else thrown, or a diagnostic nobody could find in the file.
 */
export type Outcome =
  | { readonly kind: 'valid'; readonly ms: number }
  | { readonly kind: 'error'; readonly codes: readonly string[]; readonly ms: number }
  | { readonly kind: 'crash'; readonly error: string; readonly ms: number };

/**
 * What `ppl check` does, in-process: parse, check and compile against the data, describe the model,
 * build the log density on the float64 JS backend and evaluate it once at the origin.
 */
export async function checkMutant(source: string, seed: SeedModel): Promise<Outcome> {
  const t0 = performance.now();
  const ms = (): number => performance.now() - t0;
  try {
    const model = compile(source, { fileName: seed.file, data: seed.data });
    describeCheck(model);
    const ld = await model.logDensity({ backend: 'js' });
    try {
      ld.valueAndGrad(new Float64Array(ld.dim));
    } finally {
      ld.dispose();
    }
    return { kind: 'valid', ms: ms() };
  } catch (e) {
    if (!(e instanceof GlimmerError)) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { kind: 'crash', error: `${err.name}: ${err.message}\n${err.stack ?? ''}`, ms: ms() };
    }
    const bad = e.diagnostics.map((d) => unlocated(d, source, seed)).find((problem) => problem !== undefined);
    if (e.diagnostics.length === 0) return { kind: 'crash', error: 'GlimmerError without diagnostics', ms: ms() };
    if (bad !== undefined) return { kind: 'crash', error: bad, ms: ms() };
    return { kind: 'error', codes: e.diagnostics.map((d) => d.code), ms: ms() };
  }
}

/** Why a diagnostic does not pass as "located" (undefined if it does): users must be able to find it. */
function unlocated(d: Diagnostic, source: string, seed: SeedModel): string | undefined {
  const shown = `${d.code}: ${d.message}`;
  if (!/^E\d{3}$/.test(d.code)) return `bad code in '${shown}'`;
  if (d.message.trim() === '') return `empty message in ${d.code}`;
  if (d.span === undefined) {
    // Data errors name the data file (and row) instead of a place in the model.
    return d.file !== undefined && d.file === seed.data?.file ? undefined : `no location in '${shown}'`;
  }
  const { file, line, col, length } = d.span;
  const lines = source.split(/\r\n|\r|\n/).length;
  if (file !== seed.file) return `span in '${file}', not the model, in '${shown}'`;
  if (!(Number.isInteger(line) && line >= 1 && line <= lines)) return `line ${line} outside the model (${lines} lines) in '${shown}'`;
  if (!(Number.isInteger(col) && col >= 1)) return `column ${col} in '${shown}'`;
  if (!(Number.isInteger(length) && length >= 0)) return `length ${length} in '${shown}'`;
  try {
    renderDiagnostic(d, new Map([[seed.file, source]]));
  } catch (e) {
    return `rendering '${shown}' throws ${String(e)}`;
  }
  return undefined;
}
