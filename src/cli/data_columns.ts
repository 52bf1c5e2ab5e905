import { suggest, userError } from '../api/errors.js';
import { parseModel } from '../api/compile.js';
import { readCsvRecords, type CsvRecords } from '../data/csv.js';
import { readModelSource } from '../io/load_model.js';
import { readTextFile, resolveDataPath } from '../io/read_data.js';

/**
 * Every column of a model's data file as text, declared or not: `ppl contrasts --by tissue_assignment`
 * and `ppl ppc --by` may name columns the model never reads. Rows line up with the model's rows.
 */
export function readAllColumns(modelPath: string, dataPath?: string): CsvRecords & { readonly file: string } {
  const program = parseModel(readModelSource(modelPath), modelPath);
  const declared = program.data?.path;
  const file = dataPath ?? (declared ? resolveDataPath(modelPath, declared.value) : undefined);
  if (file === undefined) throw userError('E430', `${modelPath} names no data file`, { hint: 'pass --data FILE' });
  const records = readCsvRecords(readTextFile(file, dataPath ? undefined : declared?.span), file);
  return Object.assign(records, { file });
}

/**
 * A column the user named: exactly, else the one column that starts with the name or has it as a
 * `_`-separated part (`tissue` -> `tissue_assignment`), else a did-you-mean error. `note` says which
 * column a partial name was taken to mean.
 */
export function resolveColumn(name: string, columns: readonly string[], option: string): { column: string; note?: string } {
  if (columns.includes(name)) return { column: name };
  const lower = name.toLowerCase();
  const partial = columns.filter((c) => {
    const cl = c.toLowerCase();
    return cl.startsWith(lower) || cl.split(/[_.\s]+/).includes(lower);
  });
  if (partial.length === 1) return { column: partial[0], note: `${option} ${name}: column '${partial[0]}'` };
  if (partial.length > 1) {
    throw userError('E430', `${option} '${name}' could mean ${partial.map((c) => `'${c}'`).join(' or ')}`, { hint: 'write the full column name' });
  }
  const close = suggest(name, columns);
  throw userError('E430', `${option}: no column '${name}' in the data`, { hint: close ? `did you mean '${close}'?` : `columns: ${columns.join(', ')}` });
}
