import { copyFileSync, linkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { makeFolder } from '../io/folders.js';
import { join } from 'node:path';
import { userError } from '../api/errors.js';

/** Where a file is written before it is renamed into place (hidden, and unique to this process). */
export function stagingName(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.tmp`);
}

const backupName = (dir: string, name: string): string => join(dir, `.${name}.${process.pid}.old`);

const reason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Keeps the current file (if any) under the backup name, as a second link to it where the file system allows. */
function keepOld(final: string, backup: string): boolean {
  try {
    linkSync(final, backup);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if ((e as NodeJS.ErrnoException).code === 'EPERM' || (e as NodeJS.ErrnoException).code === 'ENOTSUP') {
      copyFileSync(final, backup); // no hard links here (or final is not a file: then this throws too)
      return true;
    }
    throw e;
  }
}

/**
 * Writes the result files of one run so that the folder holds either all the old files or all the new
 * ones. Each file is first written in full under a temporary name; only when all are written are they
 * renamed into place (a rename within a folder is atomic), each old file kept aside until every rename
 * has succeeded. A failure at any point removes what this call made and puts the old files back, and is
 * reported as the user's problem (exit 2: a full disk, a folder that cannot be written). Only a crash
 * during the few renames can leave a mix, and even then every file is whole.
 */
export function writeOutputs(dir: string, files: Readonly<Record<string, string>>): void {
  const names = Object.keys(files);
  const renamed: { name: string; hadOld: boolean }[] = [];
  try {
    makeFolder(dir);
    for (const name of names) writeFileSync(stagingName(dir, name), files[name]);
    for (const name of names) {
      const hadOld = keepOld(join(dir, name), backupName(dir, name));
      renamed.push({ name, hadOld });
      renameSync(stagingName(dir, name), join(dir, name));
    }
  } catch (e) {
    rollBack(dir, names, renamed);
    throw userError('E405', `cannot write the results to ${dir}: ${reason(e)}`, {
      hint: `${dir} is as it was before this run; check that it is a writable folder with free space, or choose another with --out`,
    });
  }
  for (const { name, hadOld } of renamed) if (hadOld) rmSync(backupName(dir, name), { force: true });
}

/** Removes a file this call made, if it is there; never a folder (that is not ours). */
function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a folder in the way: whatever made the write fail, left as the user had it
  }
}

/**
 * Puts every old file back (or removes a new one that had no predecessor) and deletes the staged and
 * backup files. Renaming a backup onto the name it still shares an inode with does nothing, so the
 * backups are removed at the end in any case.
 */
function rollBack(dir: string, names: readonly string[], renamed: readonly { name: string; hadOld: boolean }[]): void {
  for (const { name, hadOld } of [...renamed].reverse()) {
    try {
      if (hadOld) renameSync(backupName(dir, name), join(dir, name));
      else removeFile(join(dir, name));
    } catch {
      // the backup is missing only if keeping it failed, and then the old file was never replaced
    }
  }
  for (const name of names) {
    removeFile(stagingName(dir, name));
    removeFile(backupName(dir, name));
  }
}
