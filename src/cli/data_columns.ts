import { suggest, userError } from '../api/errors.js';

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
