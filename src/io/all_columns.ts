import { userError } from '../core/errors.js';
import { parseModel } from '../api/compile.js';
import { readCsvRecords, type CsvRecords } from '../data/csv.js';
import { readModelSource } from './load_model.js';
import { readTextFile, resolveDataPath } from './read_data.js';

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
