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
    if (lines.count === 0) throw new GlimmerError([emptyFile(file)]);
    return linesRecords(text, lines);
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

/** Where each non-empty line of a text starts and ends (the end excludes the line break). */
interface LineSpans {
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

/**
 * Without a quote character, CSV is lines of comma-separated fields: the same records as csv-parse
 * (same line ends, BOM and blank lines) at a fraction of the cost. Lines are kept as offsets into the
 * text, not as strings: a million line strings live at once cost the garbage collector more than
 * the parse (time grew faster than the rows), while the strings cut out per cell die young.
 */
function unquotedLines(text: string): LineSpans {
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let count = 0;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length) {
    let end = at;
    let ch = 0;
    for (; end < text.length; end++) {
      ch = text.charCodeAt(end);
      if (ch === 0x0a || ch === 0x0d) break;
    }
    if (end > at) {
      if (count === starts.length) {
        starts = grow(starts);
        ends = grow(ends);
      }
      starts[count] = at;
      ends[count] = end;
      count++;
    }
    at = ch === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
  }
  return { count, starts, ends };
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function linesRecords(text: string, lines: LineSpans): CsvRecords {
  const nRows = lines.count - 1;
  const widths = new Int32Array(nRows).fill(-1);
  const { starts, ends } = lines;
  /** Offset of field `col` of line `line`, or -1 if the line has fewer fields. */
  const fieldStart = (line: number, col: number): number => {
    let at = starts[line];
    const end = ends[line];
    for (let k = 0; k < col; k++) {
      const comma = text.indexOf(',', at);
      if (comma < 0 || comma >= end) return -1;
      at = comma + 1;
    }
    return at;
  };
  return {
    header: text.slice(starts[0], ends[0]).split(','),
    nRows,
    width(r) {
      if (widths[r] < 0) {
        const end = ends[r + 1];
        let n = 1;
        for (let at = text.indexOf(',', starts[r + 1]); at >= 0 && at < end; at = text.indexOf(',', at + 1)) n++;
        widths[r] = n;
      }
      return widths[r];
    },
    cell(r, c) {
      const start = fieldStart(r + 1, c);
      const end = ends[r + 1];
      const comma = text.indexOf(',', start);
      return text.slice(start, comma < 0 || comma > end ? end : comma);
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
