import { readFileSync } from 'node:fs';
import { parseModel } from '../../src/api/compile.js';
import { cellTable, fitGenes, type CountMatrix, type GeneJob, type GeneResult, type GenesWorkerInit } from '../../src/api/genes.js';
import { columnSpecs } from '../../src/compiler/lower.js';
import type { DataTable } from '../../src/data/table.js';

/** One reported row of a gene by its name. */
export const rowOf = (r: GeneResult, name: string) => r.rows.find((x) => x.name === name);

/** The share of the estimated cell groups' 95% intervals that hold the true effect, and how many there are. */
export function coverageOf(all: readonly GeneResult[], truth: { per_gene: Record<string, { beta: Record<string, number> }> }): { inside: number; total: number } {
  let inside = 0;
  let total = 0;
  for (const r of all) {
    for (const [group, b] of Object.entries(truth.per_gene[r.gene].beta)) {
      const row = rowOf(r, `beta[${group}]`);
      if (!row || row.upperBound) continue;
      total++;
      if (row.q2_5 <= b && b <= row.q97_5) inside++;
    }
  }
  return { inside, total };
}

/** Gene g of the matrix as the CSV a single-gene `ppl infer` reads: its counts beside the model's cell columns. */
export function geneCsv(matrix: CountMatrix, cells: DataTable, g: number): string {
  const y = new Float64Array(matrix.cells.length);
  for (let k = matrix.start[g]; k < matrix.start[g + 1]; k++) y[matrix.cellIndex[k]] = matrix.values[k];
  const col = (name: string, i: number): string => {
    const c = cells.columns.get(name)!;
    return c.kind === 'numeric' ? String(c.values[i]) : c.levels[c.codes[i]];
  };
  return ['gene,total_count,cell_group,patient_assignment', ...matrix.cells.map((_, i) => `${y[i]},${col('total_count', i)},${col('cell_group', i)},${col('patient_assignment', i)}`)].join('\n');
}

/** The tolerances against glmmTMB, as for --ml against lme4: estimates within 0.02 SE, SEs within 2%. */
export const EST_SE = 0.02;
export const SE_RATIO = 0.02;

/** Every gene of a count matrix fitted with `--ml` (seed 1), with the job and the workers' setup that made it. */
export async function fitEveryGeneMl(modelFile: string, matrix: CountMatrix, cellsCsv: { text: string; file: string } | undefined, workers: number):
  Promise<{ job: GeneJob; init: GenesWorkerInit; all: GeneResult[] }> {
  const source = readFileSync(modelFile, 'utf8');
  const program = parseModel(source, modelFile);
  const cells = cellTable(matrix, columnSpecs(program).specs, cellsCsv);
  const job: GeneJob = { program, source, fileName: modelFile, cells, engine: 'laplace', ml: true, reml: false, seed: 1, contrasts: [] };
  const { lineOf: _, ...plain } = cells;
  const init: GenesWorkerInit = { source, fileName: modelFile, cells: plain, engine: 'laplace', ml: true, reml: false, seed: 1, contrasts: [] };
  return { job, init, all: await fitGenes(job, init, matrix, matrix.genes.map((_, i) => i), { workers }) };
}
