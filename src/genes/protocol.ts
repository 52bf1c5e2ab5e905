import type { DataTable } from '../data/table.js';
import type { GeneJob, GeneResult } from './fit_gene.js';

/** Everything a worker needs to rebuild the job: the model's text (it parses it once) and the cells without their line lookup (a function does not cross threads). */
export type GenesWorkerInit = Omit<GeneJob, 'program' | 'cells'> & { readonly cells: Omit<DataTable, 'lineOf'> };

/** A batch of genes, each with its sparse counts. */
export interface GeneBatch {
  readonly type: 'batch';
  readonly id: number;
  readonly genes: readonly { readonly gene: string; readonly cellIndex: Uint32Array; readonly values: Float32Array }[];
}

export type ToGenesWorker = GeneBatch | { readonly type: 'exit' };
export type FromGenesWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'results'; readonly id: number; readonly results: readonly GeneResult[] }
  | { readonly type: 'failed'; readonly message: string; readonly stack?: string };
