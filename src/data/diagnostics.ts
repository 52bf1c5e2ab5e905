import type { Diagnostic, Span } from '../core/errors.js';

/**
 * Every message about a data file, one constructor per kind, so the wording users see is in one
 * place (tests pin it). E301: a declared column is missing. E302: a value does not fit its column's
 * type. E303: the file's shape (empty, malformed CSV, ragged rows, a repeated column name).
 * `where` below is always `row R (line L of FILE)`: the data row for the user's spreadsheet, the file
 * line for their editor.
 */

/** Field separators that spreadsheets write instead of ',' (a European Excel writes ';'). */
const OTHER_SEPARATORS: readonly [string, string][] = [[';', "';'"], ['\t', 'tabs'], ['|', "'|'"]];

/**
 * Why a declared column is not found, most telling first: the file is not comma-separated (its header
 * is one field full of another separator), the name is there with spaces around it, a near miss.
 */
function missingColumnHint(name: string, file: string, header: readonly string[], suggestion: string | undefined): string {
  const separator = header.length === 1 ? OTHER_SEPARATORS.find(([sep]) => header[0].includes(sep)) : undefined;
  if (separator !== undefined) return `${file} seems to separate its fields with ${separator[1]}: Glimmer reads comma-separated values`;
  const spaced = header.find((h) => h.trim() === name);
  if (spaced !== undefined) return `the header has '${spaced}', with spaces: remove them from the header`;
  if (suggestion !== undefined) return `did you mean '${suggestion}'?`;
  const shown = header.slice(0, 12).join(', ') + (header.length > 12 ? `, ... (${header.length - 12} more)` : '');
  return `${file} has the columns: ${shown}`;
}

export function missingColumn(name: string, file: string, header: readonly string[], suggestion: string | undefined, span?: Span): Diagnostic {
  return { code: 'E301', message: `column '${name}' is not in ${file}`, span, hint: missingColumnHint(name, file, header, suggestion), file };
}

export function repeatedColumn(name: string, times: number, file: string, span?: Span): Diagnostic {
  return { code: 'E303', message: `column '${name}' appears ${times} times in the header of ${file}`, span, file };
}

export function badValue(column: string, where: string, problem: string, file: string): Diagnostic {
  return { code: 'E302', message: `column '${column}' ${where}: ${problem}`, file };
}

export function moreBadValues(column: string, more: number, file: string): Diagnostic {
  return { code: 'E302', message: `column '${column}': and ${more} more bad values`, file };
}

export function raggedRow(where: string, fields: number, width: number, file: string): Diagnostic {
  return { code: 'E303', message: `${where} has ${fields} field${fields === 1 ? '' : 's'}, but the header has ${width}`, file };
}

export function moreRaggedRows(more: number, file: string): Diagnostic {
  return { code: 'E303', message: `and ${more} more rows with the wrong number of fields`, file };
}

export function emptyFile(file: string): Diagnostic {
  return { code: 'E303', message: `${file} is empty: a header row naming the columns is required`, file };
}

export function noDataRows(file: string): Diagnostic {
  return { code: 'E303', message: `${file} has a header but no data rows`, file };
}

export function malformedCsv(reason: string, file: string): Diagnostic {
  return {
    code: 'E303',
    message: `malformed CSV in ${file}: ${reason}`,
    hint: 'quote a field that holds a comma, a quote or a line break, and double every quote inside it',
    file,
  };
}
