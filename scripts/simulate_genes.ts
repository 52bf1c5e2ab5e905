// Simulates a single-cell dataset shaped like ZEB2's for ppl fit-genes: cells drawn from ZEB2's table
// (cell group, patient, total count, and the other metadata), and per gene its own cell-group effects,
// patient sd and patient effects, with Poisson or negative binomial counts. Writes a Matrix Market
// folder (mtx/), cells.csv.gz and truth.json, as shared/genes-300 has them.
//
//   node --import tsx scripts/simulate_genes.ts --genes 200 --cells 20000 --family nb --seed 1 --out DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createRng } from '../src/core/rng.js';
import { parseTable, type FactorColumn, type NumericColumn } from '../src/data/table.js';
import { negativeBinomial, poisson } from '../src/distributions/sample.js';
import { readTextFile } from '../src/io/read_data.js';

const { values: args } = parseArgs({
  options: {
    genes: { type: 'string', default: '200' }, cells: { type: 'string', default: '20000' }, family: { type: 'string', default: 'nb' },
    seed: { type: 'string', default: '1' }, out: { type: 'string' },
  },
});
if (!args.out) throw new Error('--out DIR is required');
const nGenes = Number(args.genes);
const nCells = Number(args.cells);
const family = args.family === 'poisson' ? 'poisson' : 'nb';
const rng = createRng(Number(args.seed));

const COLUMNS = ['patient_assignment', 'tissue_assignment', 'disease_assignment', 'celltype', 'cell_group'] as const;
const table = parseTable(readTextFile('models/zeb2.csv.gz'), 'models/zeb2.csv.gz', [
  ...COLUMNS.map((name) => ({ name, type: 'factor' as const })), { name: 'total_count', type: 'positive' as const },
]);
const factor = (name: string): FactorColumn => table.columns.get(name) as FactorColumn;
const total = (table.columns.get('total_count') as NumericColumn).values;
const rows = Int32Array.from({ length: nCells }, () => Math.floor(rng.uniform() * table.nRows));
const groups = factor('cell_group').levels;
const patients = factor('patient_assignment').levels;
const barcode = (i: number): string => `cell${String(i + 1).padStart(6, '0')}`;

// Per gene: a baseline log rate per unit of total_count (ZEB2's lie near -9), cell-group effects around
// it, a patient sd and patient effects, and for the negative binomial a dispersion.
const genes = Array.from({ length: nGenes }, (_, g) => {
  const base = -9 + 1.2 * rng.normal();
  const beta = groups.map(() => base + 0.7 * rng.normal());
  const sigma = 0.15 + 0.45 * rng.uniform();
  const u = patients.map(() => sigma * rng.normal());
  const phi = family === 'nb' ? Math.exp(Math.log(0.5) + rng.uniform() * Math.log(40)) : undefined;
  return { name: `G${String(g + 1).padStart(5, '0')}`, beta, sigma, u, phi };
});

const entries: string[] = [];
const gc = factor('cell_group').codes;
const pc = factor('patient_assignment').codes;
for (let i = 0; i < nCells; i++) {
  const r = rows[i];
  genes.forEach((gene, g) => {
    const mu = Math.exp(gene.beta[gc[r]] + gene.u[pc[r]]) * total[r];
    const y = gene.phi === undefined ? poisson(rng, mu) : negativeBinomial(rng, mu, gene.phi);
    if (y > 0) entries.push(`${g + 1} ${i + 1} ${y}`);
  });
}

const out = args.out;
mkdirSync(join(out, 'mtx'), { recursive: true });
const gz = (text: string): Buffer => gzipSync(text, { level: 9 });
writeFileSync(join(out, 'mtx', 'matrix.mtx.gz'), gz(`%%MatrixMarket matrix coordinate integer general\n%simulated by scripts/simulate_genes.ts\n${nGenes} ${nCells} ${entries.length}\n${entries.join('\n')}\n`));
writeFileSync(join(out, 'mtx', 'features.tsv.gz'), gz(genes.map((g) => `${g.name}\t${g.name}\tGene Expression`).join('\n') + '\n'));
writeFileSync(join(out, 'mtx', 'barcodes.tsv.gz'), gz(Array.from({ length: nCells }, (_, i) => barcode(i)).join('\n') + '\n'));
const label = (name: string, r: number): string => factor(name).levels[factor(name).codes[r]];
writeFileSync(join(out, 'cells.csv.gz'), gz(['barcode,' + [...COLUMNS, 'total_count'].join(','),
  ...Array.from(rows, (r, i) => [barcode(i), ...COLUMNS.map((c) => label(c, r)), String(total[r])].join(','))].join('\n') + '\n'));
writeFileSync(join(out, 'truth.json'), JSON.stringify({
  seed: Number(args.seed), family, genes: nGenes, cells: nCells, cell_groups: groups, patients,
  per_gene: Object.fromEntries(genes.map((g) => [g.name, {
    beta: Object.fromEntries(groups.map((l, k) => [l, g.beta[k]])), sigma_patient: g.sigma,
    u: Object.fromEntries(patients.map((p, k) => [p, g.u[k]])), ...(g.phi === undefined ? {} : { phi: g.phi }),
  }])),
}, null, 1));
console.log(`wrote ${out}: ${nGenes} ${family} genes x ${nCells} cells, ${entries.length} non-zero counts`);
