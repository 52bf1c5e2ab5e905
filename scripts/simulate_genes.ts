// Simulates a single-cell dataset shaped like ZEB2's for ppl fit-genes: cells drawn from ZEB2's table
// (cell group, patient, total count, and the other metadata), and per gene its own cell-group effects,
// patient sd and patient effects, with Poisson or negative binomial counts. Writes a Matrix Market
// folder (mtx/), cells.csv.gz and truth.json, as shared/genes-300 has them.
//
//   node --import tsx scripts/simulate_genes.ts --genes 200 --cells 20000 --family nb --seed 1 --out DIR
//
// With --h5ad it writes DIR/counts.h5ad instead (AnnData: X a CSC matrix, obs the cell metadata), the
// form the 20,000-gene benchmark reads: Poisson counts are then drawn per (cell group, patient) bin and
// spread over the bin's cells in proportion to their total counts (Poisson splitting: the same law as
// one Poisson per cell, in time proportional to the counts rather than to cells x genes). --cells 0 takes
// ZEB2's 68,627 cells as they are. --base and --base-sd set the genes' log rate per unit of total_count
// (ZEB2's lie near -9; across a whole transcriptome most genes are far rarer).
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
    seed: { type: 'string', default: '1' }, out: { type: 'string' }, h5ad: { type: 'boolean', default: false },
    base: { type: 'string', default: '-9' }, 'base-sd': { type: 'string', default: '1.2' },
  },
});
if (!args.out) throw new Error('--out DIR is required');
const nGenes = Number(args.genes);
const nCellsAsked = Number(args.cells);
const family = args.family === 'poisson' ? 'poisson' : 'nb';
const rng = createRng(Number(args.seed));

const COLUMNS = ['patient_assignment', 'tissue_assignment', 'disease_assignment', 'celltype', 'cell_group'] as const;
const table = parseTable(readTextFile('models/zeb2.csv.gz'), 'models/zeb2.csv.gz', [
  ...COLUMNS.map((name) => ({ name, type: 'factor' as const })), { name: 'total_count', type: 'positive' as const },
]);
const factor = (name: string): FactorColumn => table.columns.get(name) as FactorColumn;
const total = (table.columns.get('total_count') as NumericColumn).values;
const nCells = nCellsAsked === 0 ? table.nRows : nCellsAsked;
const rows = nCellsAsked === 0 ? Int32Array.from({ length: nCells }, (_, i) => i) : Int32Array.from({ length: nCells }, () => Math.floor(rng.uniform() * table.nRows));
const groups = factor('cell_group').levels;
const patients = factor('patient_assignment').levels;
const barcode = (i: number): string => `cell${String(i + 1).padStart(6, '0')}`;

// Per gene: a baseline log rate per unit of total_count (ZEB2's lie near -9), cell-group effects around
// it, a patient sd and patient effects, and for the negative binomial a dispersion.
const genes = Array.from({ length: nGenes }, (_, g) => {
  const base = Number(args.base) + Number(args['base-sd']) * rng.normal();
  const beta = groups.map(() => base + 0.7 * rng.normal());
  const sigma = 0.15 + 0.45 * rng.uniform();
  const u = patients.map(() => sigma * rng.normal());
  const phi = family === 'nb' ? Math.exp(Math.log(0.5) + rng.uniform() * Math.log(40)) : undefined;
  return { name: `G${String(g + 1).padStart(5, '0')}`, beta, sigma, u, phi };
});

const gc = factor('cell_group').codes;
const pc = factor('patient_assignment').codes;
const truth = (): string => JSON.stringify({
  seed: Number(args.seed), family, genes: nGenes, cells: nCells, cell_groups: groups, patients,
  per_gene: Object.fromEntries(genes.map((g) => [g.name, {
    beta: Object.fromEntries(groups.map((l, k) => [l, g.beta[k]])), sigma_patient: g.sigma,
    u: Object.fromEntries(patients.map((p, k) => [p, g.u[k]])), ...(g.phi === undefined ? {} : { phi: g.phi }),
  }])),
}, null, 1);
if (args.h5ad) {
  await writeH5ad(args.out);
  process.exit(0);
}

const entries: string[] = [];
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
writeFileSync(join(out, 'truth.json'), truth());
console.log(`wrote ${out}: ${nGenes} ${family} genes x ${nCells} cells, ${entries.length} non-zero counts`);

/** Walker's alias table over weights w: a draw is one uniform and one comparison. */
function aliasTable(w: ArrayLike<number>): { prob: Float64Array; alias: Int32Array } {
  const n = w.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i];
  const prob = Float64Array.from(w, (x) => (x * n) / sum);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  prob.forEach((p, i) => (p < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large[large.length - 1];
    alias[s] = l;
    prob[l] -= 1 - prob[s];
    if (prob[l] < 1) small.push(large.pop()!);
  }
  for (const i of [...small, ...large]) prob[i] = 1;
  return { prob, alias };
}

/** A typed array grown by doubling (a function, so that it is hoisted above the script's top level). */
function growing<T extends Float32Array | Int32Array>(make: (n: number) => T): { push(x: number): void; readonly n: number; readonly value: T } {
  let a = make(1 << 20);
  let n = 0;
  return {
    push(x) {
      if (n === a.length) {
        const b = make(a.length * 2);
        b.set(a);
        a = b;
      }
      a[n++] = x;
    },
    get n() {
      return n;
    },
    get value() {
      return a.subarray(0, n) as T;
    },
  };
}

/** counts.h5ad: X (cells x genes) as CSC, so each gene's counts are one slice; obs with the metadata; var the genes. */
async function writeH5ad(out: string): Promise<void> {
  if (family !== 'poisson') throw new Error('--h5ad draws Poisson counts by splitting (negative binomial counts are not splittable)');
  const nGroups = groups.length;
  const nBins = nGroups * patients.length;
  const binOf = Int32Array.from(rows, (r) => gc[r] * patients.length + pc[r]);
  const members: number[][] = Array.from({ length: nBins }, () => []);
  binOf.forEach((b, i) => members[b].push(i));
  const binTotal = members.map((m) => m.reduce((a, i) => a + total[rows[i]], 0));
  const tables = members.map((m) => (m.length ? aliasTable(m.map((i) => total[rows[i]])) : undefined));
  const data = growing((n) => new Float32Array(n));
  const indices = growing((n) => new Int32Array(n));
  const indptr = new Float64Array(nGenes + 1);
  const count = new Int32Array(nCells);
  for (let g = 0; g < nGenes; g++) {
    const gene = genes[g];
    const touched: number[] = [];
    for (let b = 0; b < nBins; b++) {
      const t = tables[b];
      if (!t) continue;
      const k = Math.floor(b / patients.length);
      const p = b % patients.length;
      const n = poisson(rng, Math.exp(gene.beta[k] + gene.u[p]) * binTotal[b]);
      const m = members[b];
      for (let j = 0; j < n; j++) {
        const x = rng.uniform() * m.length;
        const slot = Math.floor(x);
        const cell = m[x - slot < t.prob[slot] ? slot : t.alias[slot]];
        if (count[cell]++ === 0) touched.push(cell);
      }
    }
    touched.sort((a, b) => a - b);
    for (const cell of touched) {
      indices.push(cell);
      data.push(count[cell]);
      count[cell] = 0;
    }
    indptr[g + 1] = indices.n;
  }
  const h5 = await import('h5wasm/node');
  await h5.ready;
  mkdirSync(out, { recursive: true });
  const file = new h5.File(join(out, 'counts.h5ad'), 'w');
  try {
    file.create_attribute('encoding-type', 'anndata');
    file.create_attribute('encoding-version', '0.1.0');
    const X = file.create_group('X');
    X.create_attribute('encoding-type', 'csc_matrix');
    X.create_attribute('encoding-version', '0.1.0');
    X.create_attribute('shape', BigInt64Array.from([BigInt(nCells), BigInt(nGenes)]));
    const chunked = (name: string, v: Float32Array | Int32Array | BigInt64Array, dtype?: string) =>
      X.create_dataset({ name, data: v, shape: [v.length], ...(dtype ? { dtype } : {}), chunks: [Math.min(v.length, 1 << 18)], compression: 4 });
    chunked('data', data.value);
    chunked('indices', indices.value);
    chunked('indptr', BigInt64Array.from(indptr, (x) => BigInt(x)));
    const frame = (name: string, index: string[], columns: [string, string[] | Float64Array][]) => {
      const f = file.create_group(name);
      f.create_attribute('encoding-type', 'dataframe');
      f.create_attribute('encoding-version', '0.2.0');
      f.create_attribute('_index', '_index');
      if (columns.length) f.create_attribute('column-order', columns.map(([c]) => c));
      f.create_dataset({ name: '_index', data: index });
      for (const [c, v] of columns) {
        if (v instanceof Float64Array) {
          f.create_dataset({ name: c, data: v });
          continue;
        }
        const cats = [...new Set(v)].sort();
        const code = new Map(cats.map((x, k) => [x, k]));
        const g = f.create_group(c);
        g.create_attribute('encoding-type', 'categorical');
        g.create_attribute('encoding-version', '0.2.0');
        g.create_attribute('ordered', 0);
        g.create_dataset({ name: 'categories', data: cats });
        g.create_dataset({ name: 'codes', data: Int16Array.from(v, (x) => code.get(x)!) });
      }
    };
    const label = (name: string, r: number): string => factor(name).levels[factor(name).codes[r]];
    frame('obs', Array.from({ length: nCells }, (_, i) => barcode(i)), [
      ...COLUMNS.map((c): [string, string[]] => [c, Array.from(rows, (r) => label(c, r))]),
      ['total_count', Float64Array.from(rows, (r) => total[r])],
    ]);
    frame('var', genes.map((g) => g.name), []);
  } finally {
    file.close();
  }
  writeFileSync(join(out, 'truth.json'), truth());
  const nnz = indices.n;
  console.log(`wrote ${out}/counts.h5ad: ${nGenes} poisson genes x ${nCells} cells, ${nnz} non-zero counts (${((100 * nnz) / (nGenes * nCells)).toFixed(1)}% of entries)`);
}
