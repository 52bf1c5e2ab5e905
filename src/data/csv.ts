import { parse } from 'csv-parse/sync';
import { GlimmerError } from '../core/errors.js';
import { emptyFile, malformedCsv } from './diagnostics.js';

/** The records of a CSV text: the header row, then the data rows (possibly ragged: the caller checks). */
export interface CsvRecords {
  readonly header: readonly string[];
  readonly nRows: number;
  /** Number of fields of a data row. */
  width(row: number): number;
  /** A field of a data row (the row must have that many fields). */
  cell(row: number, col: number): string;
}

function fromArrays(records: string[][]): CsvRecords {
  const rows = records.slice(1);
  return { header: records[0], nRows: rows.length, width: (r) => rows[r].length, cell: (r, c) => rows[r][c] };
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
    const lines = unquotedLines(text);
    if (lines.length === 0) throw new GlimmerError([emptyFile(file)]);
    return linesRecords(lines);
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
  return fromArrays(records);
}

/**
 * Without a quote character, CSV is lines of comma-separated fields: the same records as csv-parse
 * (same line ends, BOM and blank lines) at a fraction of the cost. Fields are cut out of a line only
 * when asked for, so a table makes one string per line and one per declared cell, not one per field.
 */
function unquotedLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return body.split(/\r\n|\n|\r/).filter((line) => line.length > 0);
}

function linesRecords(lines: string[]): CsvRecords {
  const nRows = lines.length - 1;
  const widths = new Int32Array(nRows).fill(-1);
  const fieldStart = (line: string, col: number): number => {
    let at = 0;
    for (let k = 0; k < col && at >= 0; k++) at = line.indexOf(',', at) + 1 || -1;
    return at;
  };
  return {
    header: lines[0].split(','),
    nRows,
    width(r) {
      if (widths[r] < 0) {
        const line = lines[r + 1];
        let n = 1;
        for (let at = line.indexOf(','); at >= 0; at = line.indexOf(',', at + 1)) n++;
        widths[r] = n;
      }
      return widths[r];
    },
    cell(r, c) {
      const line = lines[r + 1];
      const start = fieldStart(line, c);
      const end = line.indexOf(',', start);
      return line.slice(start, end < 0 ? line.length : end);
    },
  };
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
