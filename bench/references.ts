import { readFileSync } from 'node:fs';

/** Which kind of algorithm a reference tool ran, to compare it with the Glimmer engine of that kind. */
export type ReferenceKind = 'laplace' | 'nuts' | 'advi' | 'fullrank';

/** One row of bench/reference_timings.md (a copy of the reference measurements made with R and Stan). */
export interface ReferenceTiming {
  /** A short name for tables, e.g. `lme4 glmer (nAGQ = 10)`. */
  readonly label: string;
  readonly seconds: number;
  /** The model's priors: the TensorFlow Probability tutorial's, or weak ones (or none, for lme4/glmmTMB). */
  readonly priors: 'weak' | 'tfp';
  readonly kind: ReferenceKind;
  /** The row's text as written, for the report. */
  readonly what: string;
  /** What to keep in mind when comparing (from the notes column), if anything. */
  readonly caveat?: string;
}

export const REFERENCE_FILE = new URL('./reference_timings.md', import.meta.url);

/** Splits a markdown table row on the pipes that are not escaped (`\|` occurs inside R formulas). */
function cells(line: string): string[] {
  const parts = line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
  return parts.map((p) => p.trim().replace(/\\\|/g, '|'));
}

const plain = (s: string): string => s.replace(/`/g, '').replace(/\s+/g, ' ').trim();

function kindOf(text: string): ReferenceKind {
  if (/ADVI full-rank/i.test(text)) return 'fullrank';
  if (/ADVI/i.test(text)) return 'advi';
  if (/NUTS/.test(text)) return 'nuts';
  return 'laplace';
}

/** A short label from the row's text; "the same with ..." rows refer to the row before them. */
function labelOf(what: string, previous: string | undefined): string {
  const text = plain(what);
  const agq = /nAGQ = (\d+)/.exec(text);
  if (/^the same/i.test(text) && previous) return /TFP/.test(text) ? `${previous}, TFP priors` : `${previous} (variant)`;
  if (/^lme4/.test(text)) return agq ? `lme4 glmer (nAGQ = ${agq[1]})` : 'lme4 glmer';
  if (/^glmmTMB/.test(text)) return 'glmmTMB';
  if (/^Stan NUTS on per-/.test(text)) return 'Stan NUTS on per-cell sums';
  if (/^Stan NUTS/.test(text)) return 'Stan NUTS';
  if (/ADVI mean-field/i.test(text)) return 'Stan ADVI mean-field';
  if (/ADVI full-rank/i.test(text)) return 'Stan ADVI full-rank';
  if (/optimizing/.test(text)) return 'Stan optimizing';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The notes that change how a ratio reads: another machine, a wrong answer, time left out. */
function caveatOf(notes: string): string | undefined {
  const found: string[] = [];
  if (/another machine/i.test(notes)) found.push('measured on another machine');
  if (/wrong answer/i.test(notes)) found.push('converged to a wrong answer');
  if (/compile time.*not included/i.test(notes)) found.push('Stan compile time (30 s) not included');
  if (/aggregated by hand/i.test(notes)) found.push('data aggregated by hand');
  return found.length > 0 ? found.join('; ') : undefined;
}

/**
 * Parses the table of reference timings: the first number in the seconds column is the time. A note
 * like "3.7 s with the TFP priors" adds a second row for the TFP-priors model.
 */
export function parseReferences(markdown: string): ReferenceTiming[] {
  const rows = markdown.split('\n').filter((l) => l.trim().startsWith('|')).map(cells);
  const header = rows.findIndex((r) => r[1]?.toLowerCase() === 'seconds');
  if (header < 0) throw new Error('reference timings: no table with a "seconds" column');
  const out: ReferenceTiming[] = [];
  for (const [what, secondsText, notes = ''] of rows.slice(header + 1)) {
    if (/^-+$/.test(what.replace(/[:\s]/g, ''))) continue;
    const seconds = Number(/[\d.]+/.exec(secondsText)?.[0]);
    if (!Number.isFinite(seconds)) continue;
    const previous = out.at(-1);
    const label = labelOf(what, previous?.label);
    const priors = /TFP/.test(what) ? 'tfp' : 'weak';
    // "the same with ..." and "likewise" carry the row before them over.
    const same = /^the same/i.test(plain(what)) && previous !== undefined;
    const kind = same ? previous.kind : kindOf(what);
    const caveat = same || /^likewise/i.test(notes) ? previous?.caveat : caveatOf(`${what} ${notes}`);
    const row: ReferenceTiming = { label, seconds, priors, kind, what: plain(what), caveat };
    out.push(row);
    const tfp = /([\d.]+) s with the TFP priors/.exec(notes);
    if (tfp && priors === 'weak') out.push({ ...row, label: `${label}, TFP priors`, seconds: Number(tfp[1]), priors: 'tfp' });
  }
  return out;
}

export function loadReferences(): ReferenceTiming[] {
  return parseReferences(readFileSync(REFERENCE_FILE, 'utf8'));
}

/** `95x slower than Glimmer` / `1.3x faster than Glimmer` for a reference time against ours (both seconds). */
export function ratioText(referenceSeconds: number, oursSeconds: number): string {
  const r = referenceSeconds / oursSeconds;
  const fmt = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  return r >= 1 ? `${fmt(r)}x slower than Glimmer` : `${fmt(1 / r)}x faster than Glimmer`;
}
