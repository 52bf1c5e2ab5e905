import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { makeFolder } from '../io/folders.js';
import { csvField } from '../results/format.js';
import { join } from 'node:path';
import { userError } from '../core/errors.js';
import { STATUSES, type GeneResult, type GeneStatus } from './fit_gene.js';

/** R's spellings, so that read.csv gives back the same numbers (NA, Inf); full precision otherwise. */
function num(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return 'NA';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}


/**
 * results.csv: one row per gene and reported quantity, genes in the matrix's order. Under --ml the
 * columns are an estimate and its standard error (and no P(> 0), which a likelihood does not give).
 */
export function resultsCsv(results: readonly GeneResult[], ml: boolean): string {
  const head = ml ? ['gene', 'name', 'estimate', 'se', 'q2.5', 'q97.5', 'status'] : ['gene', 'name', 'mean', 'sd', 'q2.5', 'q97.5', 'p_positive', 'status'];
  const lines = [head.join(',')];
  for (const r of results) {
    for (const row of r.rows) {
      const cells = [csvField(r.gene), csvField(row.name), num(row.mean), num(row.sd), num(row.q2_5), num(row.q97_5)];
      if (!ml) cells.push(num(row.pPositive));
      cells.push(csvField(row.upperBound ? 'upper bound only' : row.notEstimable ? 'not estimable' : r.status));
      lines.push(cells.join(','));
    }
  }
  return lines.join('\n') + '\n';
}

/** genes.csv: one row per gene with its status, the sentence behind it, its convergence figures and seconds. */
export function genesCsv(results: readonly GeneResult[]): string {
  const lines = ['gene,status,detail,grad_norm,khat,seconds'];
  for (const r of results) lines.push([csvField(r.gene), csvField(r.status), csvField(r.detail), num(r.gradNorm), num(r.khat), r.seconds.toFixed(3)].join(','));
  return lines.join('\n') + '\n';
}

/** The count of each status, in words: what the user reads instead of one warning per gene. */
export function statusSummary(results: readonly GeneResult[]): string {
  const counts = new Map<GeneStatus, number>();
  for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const width = Math.max(...STATUSES.map((s) => s.length));
  return STATUSES.filter((s) => counts.has(s)).map((s) => `  ${s.padEnd(width)}  ${String(counts.get(s)).padStart(6)}`).join('\n');
}

/**
 * The resume file: each finished gene as one JSON line, appended as it arrives, after a first line
 * that identifies the run (model, data and settings). `--resume` reads it back and fits only the genes
 * it lacks; the final CSVs are written from it in the matrix's order, so a resumed run's files equal an
 * uninterrupted one's.
 */
export const PARTIAL = '.fit-genes.partial.jsonl';

export const encodeResult = (r: GeneResult): string => JSON.stringify(r, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `#${v}` : v));
export const decodeResult = (line: string): GeneResult => JSON.parse(line, (_, v) => (typeof v === 'string' && v.startsWith('#') ? Number(v.slice(1)) : v)) as GeneResult;

export function startPartial(dir: string, key: string): void {
  makeFolder(dir);
  writeFileSync(join(dir, PARTIAL), JSON.stringify({ run: key }) + '\n');
}

export function appendPartial(dir: string, r: GeneResult): void {
  appendFileSync(join(dir, PARTIAL), encodeResult(r) + '\n');
}

/** The genes a previous run of the same job finished; undefined when there is no resume file, an error when it is another run's. */
export function readPartial(dir: string, key: string): Map<string, GeneResult> | undefined {
  const path = join(dir, PARTIAL);
  if (!existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8').split('\n');
  let first: { run?: string } = {};
  try {
    first = JSON.parse(lines[0]) as { run?: string };
  } catch {
    // An unreadable first line is not this run's.
  }
  if (first.run !== key) {
    throw userError('E445', `${dir} holds an unfinished fit-genes run of another model, data or settings`,
      { hint: `--resume continues the same command; to start afresh, remove ${path} or choose another --out` });
  }
  const out = new Map<string, GeneResult>();
  // The last line may be cut short by the crash the user is resuming from: it is refitted.
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    try {
      const r = decodeResult(line);
      out.set(r.gene, r);
    } catch {
      break;
    }
  }
  return out;
}
