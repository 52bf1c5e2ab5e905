import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseModel } from '../../src/api/compile.js';
import { readTextFile, resolveDataPath } from '../../src/io/read_data.js';

/** A model file the fuzzer starts from, with the data it is checked against. */
export interface SeedModel {
  /** Path relative to the repository, used as the model's file name in diagnostics. */
  readonly file: string;
  readonly source: string;
  readonly data?: { readonly text: string; readonly file: string };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEED_FOLDERS = ['models', 'test/models'];

/** Rows of data kept per seed: every mutant is checked against it, so it has to be quick to read. */
const MAX_ROWS = 500;

/**
 * At most MAX_ROWS data rows, taken at an even stride so that every factor level of a large file
 * (zeb2's 20 cell groups and 16 patients, which its generated block names) is still present.
 */
function sample(text: string): string {
  const lines = text.split('\n').filter((line) => line.length > 0);
  if (lines.length - 1 <= MAX_ROWS) return text;
  const stride = (lines.length - 1) / MAX_ROWS;
  const rows = Array.from({ length: MAX_ROWS }, (_, k) => lines[1 + Math.floor(k * stride)]);
  return [lines[0], ...rows].join('\n') + '\n';
}

/** Every .glmm file in SEED_FOLDERS with its data (read once; the data text is cached per file). */
export function loadSeeds(): SeedModel[] {
  const dataCache = new Map<string, string>();
  const seeds: SeedModel[] = [];
  for (const folder of SEED_FOLDERS) {
    for (const name of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.glmm')).sort()) {
      const path = join(ROOT, folder, name);
      const source = readFileSync(path, 'utf8');
      const declared = parseModel(source, path).data?.path?.value;
      const file = relative(ROOT, path);
      if (declared === undefined) {
        seeds.push({ file, source });
        continue;
      }
      const dataPath = resolveDataPath(path, declared);
      if (!dataCache.has(dataPath)) dataCache.set(dataPath, sample(readTextFile(dataPath)));
      seeds.push({ file, source, data: { text: dataCache.get(dataPath)!, file: basename(dataPath) } });
    }
  }
  return seeds;
}
