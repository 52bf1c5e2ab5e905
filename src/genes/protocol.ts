import type { DataTable } from '../data/table.js';
import type { EngineName } from '../api/infer.js';
import type { GeneResult } from './fit_gene.js';

/** Everything a worker needs to rebuild the job: the model's text (it parses it once) and the cells. */
export interface GenesWorkerInit {
  readonly source: string;
  readonly fileName: string;
  /** The cells table without its line lookup (a function does not cross threads). */
  readonly cells: Omit<DataTable, 'lineOf'>;
  readonly engine: EngineName;
  readonly ml: boolean;
  readonly reml: boolean;
  readonly seed: number;
  readonly draws?: number;
  readonly contrasts: readonly string[];
}

/** A batch of genes, each with its sparse counts. */
export interface GeneBatch {
  readonly type: 'batch';
  readonly id: number;
  readonly genes: readonly { readonly gene: string; readonly cellIndex: Uint32Array; readonly values: Float64Array }[];
}

export type ToGenesWorker = GeneBatch | { readonly type: 'exit' };
export type FromGenesWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'results'; readonly id: number; readonly results: readonly GeneResult[] }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };
