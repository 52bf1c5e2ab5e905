/** Fitting one model to every gene of a count matrix (ppl fit-genes): the pieces the CLI and an embedding app use. */
export { readCountMatrix, geneCounts, type CountMatrix, type GeneCounts } from '../io/genes/read.js';
export { cellTable, RESPONSE } from '../genes/cells.js';
// The columns a parsed model's data block declares: cellTable reads those of the cell metadata, and the response must be one.
export { columnSpecs } from '../compiler/lower.js';
export { fitGene, STATUSES, type GeneJob, type GeneResult, type GeneRow, type GeneStatus } from '../genes/fit_gene.js';
export { fitGenes, type GenesRunOptions } from '../genes/run.js';
export type { GenesWorkerInit } from '../genes/protocol.js';
export { resultsCsv, genesCsv, statusSummary, startPartial, appendPartial, readPartial, PARTIAL } from '../genes/output.js';
export { coordinate, serveQueue, redisConnection, attemptsKey, holderKey, QUEUE } from '../genes/queue.js';
