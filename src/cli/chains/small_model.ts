import { statSync } from 'node:fs';
import type { Model } from '../../api/compile.js';
import { parseModel } from '../../api/compile.js';
import { describeModel } from '../../api/describe.js';
import { readModelSource } from '../../io/load_model.js';
import { resolveDataPath } from '../../io/read_data.js';

/**
 * Whether a model's MCMC chains are better run in this thread than on worker threads. A worker has to
 * load Glimmer and rebuild the model before its first chain, and then warm its own JIT up: about 0.1-0.2 s
 * of CPU each on this project's 2-core machines, while the four chains of the eight schools take about
 * 0.1 s together in one thread (docs/nuts-speed.md). So a model with few rows (after
 * reduction to cells) and few parameters runs here; the draws are the same either way (each chain has
 * its own random stream).
 */
export const SMALL_MODEL_SIZE = 150;

/** Data files up to this size are read before deciding (quickly); larger ones mean a model worth the workers. */
const SMALL_DATA_BYTES = 256 * 1024;

export function smallModel(m: Model): boolean {
  const d = describeModel(m);
  return d.terms + d.dim <= SMALL_MODEL_SIZE;
}

/**
 * True when the model's data file is small enough that the model may be small: then the caller loads it
 * first and asks smallModel, instead of starting the workers at once so that they load it meanwhile.
 * Any problem (no file, a syntax error) says true: loading the model will report it.
 */
export function smallData(modelPath: string, dataPath?: string): boolean {
  try {
    let path = dataPath;
    if (path === undefined) {
      const declared = parseModel(readModelSource(modelPath), modelPath).data?.path;
      if (!declared) return true;
      path = resolveDataPath(modelPath, declared.value, declared.span);
    }
    return statSync(path).size <= SMALL_DATA_BYTES;
  } catch {
    return true;
  }
}
