import { parse } from 'csv-parse/sync';
import { GlimmerError } from '../core/errors.js';
import { emptyFile, malformedCsv } from './diagnostics.js';

/** The records of a CSV text: the header row, then the data rows (possibly ragged: the caller checks). */
export interface CsvRecords {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/**
 * Splits CSV text into records with csv-parse: quotes, doubled quotes, commas and line breaks inside
 * quotes, CRLF, a UTF-8 byte-order mark. Nothing is trimmed (R's read.csv keeps spaces too). Blank
 * lines are skipped like read.csv's `blank.lines.skip`. Row lengths are not checked here, so that a
 * ragged row is reported with its line by the caller, together with every other problem.
 */
export function readCsvRecords(text: string, file: string): CsvRecords {
  let records: string[][];
  if (!text.includes('"')) {
    records = splitUnquoted(text);
    if (records.length === 0) throw new GlimmerError([emptyFile(file)]);
    return { header: records[0], rows: records.slice(1) };
  }
  try {
    // All three line ends, rather than whichever csv-parse sees first: a file with mixed line ends
    // then splits the same way as recordStartLines counts.
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] });
  } catch (e) {
    throw new GlimmerError([malformedCsv(e instanceof Error ? e.message : String(e), file)]);
  }
  if (records.length === 0) {
    throw new GlimmerError([emptyFile(file)]);
  }
  return { header: records[0], rows: records.slice(1) };
}

/**
 * Without a quote character, CSV is lines of comma-separated fields, and splitting them directly
 * gives exactly csv-parse's records (same line ends, BOM and blank lines) at a fraction of the
 * cost: 68,627 rows in ~40 ms instead of ~250 ms.
 */
function splitUnquoted(text: string): string[][] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  for (const line of body.split(/\r\n|\n|\r/)) {
    if (line.length > 0) records.push(line.split(','));
  }
  return records;
}

/**
 * The 1-based line on which each record of `text` starts (index 0 = the header). Only computed when
 * there is something to report: asking csv-parse for line info on every record costs as much again
 * as the parse itself. It follows the same rules as the parse above: a line break inside quotes does
 * not end a record (a doubled quote toggles twice, so it is neutral), and empty lines are skipped.
 * `\r\n`, `\n` and a lone `\r` each end one line.
 */
export function recordStartLines(text: string): Int32Array {
  const starts: number[] = [];
  let line = 1;
  let inQuotes = false;
  let recordOpen = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) inQuotes = !inQuotes;
    const isBreak = ch === 0x0a || (ch === 0x0d && text.charCodeAt(i + 1) !== 0x0a);
    if (!recordOpen && ch !== 0x0a && ch !== 0x0d && !(i === 0 && ch === 0xfeff)) {
      recordOpen = true;
      starts.push(line);
    }
    if (isBreak) {
      line++;
      if (!inQuotes) recordOpen = false;
    }
  }
  return Int32Array.from(starts);
}
