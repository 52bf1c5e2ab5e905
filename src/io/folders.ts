import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * mkdir -p, one level at a time. Node's own recursive mkdirSync never returns for a path under a
 * folder that refuses new entries without saying EACCES (under /proc it loops on ENOENT), so the
 * missing levels are made here from the deepest existing one down. Each failure is thrown as it comes
 * (ENOENT, EACCES, ENOTDIR), for the caller to report.
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
    }
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
