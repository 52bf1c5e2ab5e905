import { GlimmerError, type Diagnostic, type Span } from '../core/errors.js';
import { closestName } from './closest.js';
import { readCsvRecords, recordStartLines, type CsvRecords } from './csv.js';
import { badValue, missingColumn, moreBadValues, moreRaggedRows, noDataRows, raggedRow, repeatedColumn } from './diagnostics.js';
import { orderLevels } from './levels.js';
import { checkFactor, checkNumeric } from './values.js';

export { orderLevels } from './levels.js';

/** The column types a model can declare; all but `factor` are read as float64. */
export type ColumnType = 'count' | 'int' | 'real' | 'positive' | 'binary' | 'factor';
export const COLUMN_TYPES: readonly ColumnType[] = ['count', 'int', 'real', 'positive', 'binary', 'factor'];

/** A column the model declares; `span` is where, so a missing column points at the declaration. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  span?: Span;
}

export interface NumericColumn {
  kind: 'numeric';
  name: string;
  type: Exclude<ColumnType, 'factor'>;
  values: Float64Array;
}

/** Levels in R's factor() order (see orderLevels); `codes` are 0-based indices into `levels`. */
export interface FactorColumn {
  kind: 'factor';
  name: string;
  levels: string[];
  codes: Int32Array;
}

export type Column = NumericColumn | FactorColumn;

/** The declared columns of a data file, in declaration order; undeclared columns are not kept. */
export interface DataTable {
  file: string;
  nRows: number;
  columns: Map<string, Column>;
  /**
   * The file line on which a 0-based data row starts, for messages about rows found later (the
   * compiler's checks): not row + 2 when there are blank lines or line breaks inside quotes.
   */
  lineOf?(row: number): number;
}

/** Problems shown per column (and for ragged rows) before the rest are summed up in one line. */
const SHOWN_PER_COLUMN = 5;

/**
 * Reads CSV text (`file` names it in messages) into typed columns for `specs`. Every problem found is
 * reported in one GlimmerError: missing columns (E301), bad values (E302), a malformed or ragged file
 * (E303), so one run shows the user everything to fix.
 */
export function parseTable(text: string, file: string, specs: readonly ColumnSpec[]): DataTable {
  const records = readCsvRecords(text, file);
  const { header, nRows } = records;
  const report = new Reporter(text, file);
  const located = locateColumns(header, specs, file, report.diagnostics);
  const ragged = findRaggedRows(records, header.length, report);
  if (nRows === 0) report.diagnostics.push(noDataRows(file));

  const columns = new Map<string, Column>();
  for (const { spec, index } of located) {
    const cells = (row: number): string => records.cell(row, index);
    const column =
      spec.type === 'factor'
        ? readFactor(spec.name, nRows, cells, ragged, report)
        : readNumeric(spec.name, spec.type, nRows, cells, ragged, report);
    columns.set(spec.name, column);
    report.endColumn((more) => moreBadValues(spec.name, more, file));
  }
  if (report.diagnostics.length > 0) throw new GlimmerError(report.diagnostics);
  return { file, nRows, columns, lineOf: (row) => report.lineOf(row) };
}

/** The header position of each declared column; a missing or repeated one becomes a diagnostic. */
function locateColumns(header: readonly string[], specs: readonly ColumnSpec[], file: string, out: Diagnostic[]) {
  const located: { spec: ColumnSpec; index: number }[] = [];
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) continue; // declaring a column twice is the checker's error, not the data's
    seen.add(spec.name);
    const index = header.indexOf(spec.name);
    const count = header.filter((name) => name === spec.name).length;
    if (index < 0) {
      out.push(missingColumn(spec.name, file, header, closestName(spec.name, header), spec.span));
    } else if (count > 1) {
      out.push(repeatedColumn(spec.name, count, file, spec.span));
    } else {
      located.push({ spec, index });
    }
  }
  return located;
}

/** Rows whose field count differs from the header's: reported, and their cells are not read. */
function findRaggedRows(records: CsvRecords, width: number, report: Reporter): Uint8Array {
  const ragged = new Uint8Array(records.nRows);
  for (let row = 0; row < records.nRows; row++) {
    const w = records.width(row);
    if (w === width) continue;
    ragged[row] = 1;
    report.problem((where, file) => raggedRow(where, w, width, file), row);
  }
  report.endColumn((more, file) => moreRaggedRows(more, file));
  return ragged;
}

function readNumeric(
  name: string, type: NumericColumn['type'], nRows: number, cell: (row: number) => string, skip: Uint8Array, report: Reporter,
): NumericColumn {
  const values = new Float64Array(nRows);
  for (let row = 0; row < nRows; row++) {
    if (skip[row]) continue;
    const value = checkNumeric(cell(row), type);
    if (typeof value === 'string') report.problem((where, file) => badValue(name, where, value, file), row);
    else values[row] = value;
  }
  return { kind: 'numeric', name, type, values };
}

/** Codes by first appearance while reading, then renumbered once into R's level order. */
function readFactor(name: string, nRows: number, cell: (row: number) => string, skip: Uint8Array, report: Reporter): FactorColumn {
  const firstSeen = new Map<string, number>();
  const codes = new Int32Array(nRows);
  for (let row = 0; row < nRows; row++) {
    if (skip[row]) continue;
    const text = cell(row);
    const problem = checkFactor(text);
    if (problem !== undefined) {
      report.problem((where, file) => badValue(name, where, problem, file), row);
      continue;
    }
    let code = firstSeen.get(text);
    if (code === undefined) firstSeen.set(text, (code = firstSeen.size));
    codes[row] = code;
  }
  const levels = orderLevels(firstSeen.keys());
  const renumber = new Int32Array(levels.length);
  levels.forEach((level, rank) => (renumber[firstSeen.get(level)!] = rank));
  for (let row = 0; row < nRows; row++) codes[row] = renumber[codes[row]] ?? 0;
  return { kind: 'factor', name, levels, codes };
}

/**
 * Collects diagnostics about rows, at most SHOWN_PER_COLUMN per column (or for ragged rows) and then
 * one "and N more". Line numbers are worked out only once something is wrong.
 */
class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly text: string;
  private readonly file: string;
  private lines: Int32Array | undefined;
  private count = 0;

  constructor(text: string, file: string) {
    this.text = text;
    this.file = file;
  }

  /** A problem in 0-based data `row`; `make` gets `row R (line L of FILE)` and the file name. */
  problem(make: (where: string, file: string) => Diagnostic, row: number): void {
    this.count++;
    if (this.count > SHOWN_PER_COLUMN) return;
    this.diagnostics.push(make(`row ${row + 1} (line ${this.lineOf(row)} of ${this.file})`, this.file));
  }

  /** Ends a column (or the ragged-row check): `more` summarises what was not shown. */
  endColumn(more: (count: number, file: string) => Diagnostic): void {
    if (this.count > SHOWN_PER_COLUMN) this.diagnostics.push(more(this.count - SHOWN_PER_COLUMN, this.file));
    this.count = 0;
  }

  /** The file line on which 0-based data `row` starts; the first call scans the text. */
  lineOf(row: number): number {
    this.lines ??= recordStartLines(this.text);
    // Record 0 is the header; fall back to "one record per line" if the scan ever disagrees.
    return this.lines[row + 1] ?? row + 2;
  }
}
