import type { Diagnostic } from './errors.js';

/**
 * Renders a diagnostic as users see it (the rustc/stanc3 layout):
 *   error[E203]: unknown distribution 'Poison'
 *     --> models/zeb2.glmm:14:10
 *      |
 *   14 |   ZEB2 ~ Poison(log_rate = beta[cell_group])
 *      |          ^^^^^^
 *   hint: did you mean 'Poisson'?
 * `sources` maps a file name to its text so the offending line can be shown.
 */
export function renderDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string> = new Map()): string {
  const out = [`error[${d.code}]: ${d.message}`];
  if (d.span) {
    const { file, line, col, length } = d.span;
    out.push(`  --> ${file}:${line}:${col}`);
    // The lexer ends a line at \r\n, \n or a lone \r (old Mac files): so must the quoted line.
    const text = sources.get(file)?.split(/\r\n|\r|\n/)[line - 1];
    if (text !== undefined) {
      const gutter = ' '.repeat(String(line).length);
      const shown = text.replace(/\t/g, ' ');
      const width = Math.max(1, Math.min(length, shown.length - col + 1));
      out.push(`${gutter} |`, `${line} | ${shown}`, `${gutter} | ${' '.repeat(col - 1)}${'^'.repeat(width)}`);
    }
  } else if (d.file) {
    out.push(`  --> ${d.file}`);
  }
  if (d.hint) out.push(`hint: ${d.hint}`);
  return out.join('\n');
}
