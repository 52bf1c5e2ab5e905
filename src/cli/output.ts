import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes each file under a temporary name and renames it into place, so a reader never sees a
 * half-written file and a failed run leaves earlier results whole.
 */
export function writeOutputs(dir: string, files: Readonly<Record<string, string>>): void {
  mkdirSync(dir, { recursive: true });
  const staged: [string, string][] = [];
  for (const [name, text] of Object.entries(files)) {
    const tmp = join(dir, `.${name}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    staged.push([tmp, join(dir, name)]);
  }
  for (const [tmp, final] of staged) renameSync(tmp, final);
}
