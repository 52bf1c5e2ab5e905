import type { EndToEndTiming } from './end_to_end.js';
import type { LogDensityReport } from './log_density.js';
import { SCALING_COLUMNS, type Growth } from './scaling.js';
import { sig, type Comparison } from './report.js';

/** A measured path this many times slower than tfjs-notes.md's figure is worth a line. */
const NOTES_SLOWDOWN = 2;

/**
 * What a reader should not miss, worked out from the numbers: paths much slower than tfjs-notes.md
 * measured, leaked tensors, reference tools faster than Glimmer, costs growing faster than the data.
 */
export function findings(e2e: readonly EndToEndTiming[], comparisons: readonly Comparison[], ld: LogDensityReport,
  growth: readonly Growth[] | undefined): string[] {
  const out: string[] = [];
  for (const t of ld.timings) {
    if (t.notes && t.msPerPoint > NOTES_SLOWDOWN * t.notes.ms) {
      out.push(`${t.path}${t.k > 1 ? ` (K=${t.k})` : ''}: ${sig(t.msPerPoint)} ms per point, ${(t.msPerPoint / t.notes.ms).toFixed(1)}x tfjs-notes' ${t.notes.text} ms.`);
    }
  }
  if (ld.leakedTensors !== 0) out.push(`the row-wise tfjs log density left ${ld.leakedTensors} tensors alive after dispose().`);
  for (const c of comparisons) {
    if (c.reference.seconds < c.ours.seconds) {
      out.push(`${c.reference.label} (${c.reference.seconds} s) is faster than Glimmer's ${c.ours.engine} run on ${c.ours.model} (${sig(c.ours.seconds)} s)${c.reference.caveat ? `; ${c.reference.caveat}` : ''}.`);
    }
  }
  const auto = e2e.find((r) => r.backend === 'auto' && r.model.endsWith('/zeb2.glmm') && r.engine === 'laplace');
  const tfjs = e2e.find((r) => r.backend === 'tfjs');
  if (auto && tfjs) {
    out.push(`\`--backend tfjs\` (row-wise float32) takes ${sig(tfjs.seconds)} s end to end, ${(tfjs.seconds / auto.seconds).toFixed(1)}x the default reduced float64 path.`);
  }
  for (const g of growth ?? []) {
    if (!g.linear) {
      const label = SCALING_COLUMNS.find((c) => c.key === g.key)!.label;
      out.push(`${label} grew ${g.ratio.toFixed(1)}x for ${g.rowsRatio.toFixed(0)}x the rows: faster than linear.`);
    }
  }
  return out;
}
