import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, parseModel } from '../../src/api/compile.js';
import { DEFAULT_SEED, inferFit } from '../../src/api/infer.js';
import { runKey } from '../../src/cli/fit_genes.js';
import {
  appendPartial, cellTable, fitGenes, readCountMatrix, resultsCsv, startPartial, type CountMatrix, type GeneJob, type GeneResult, type GenesWorkerInit,
} from '../../src/api/genes.js';
import { columnSpecs } from '../../src/compiler/lower.js';
import { runCli } from '../cli/run_cli.js';
import { readCsv, readFixture } from '../fixtures/load.js';
import { ROOT } from '../helpers.js';
import { coverageOf, EST_SE, fitEveryGeneMl, geneCsv, rowOf, SE_RATIO } from './gene_helpers.js';

const DIR = `${ROOT}test/fixtures/genes-300/`;
const MODEL = `${ROOT}models/genes.glmm`;
const source = readFileSync(MODEL, 'utf8');
const program = parseModel(source, MODEL);
const tmp = mkdtempSync(join(tmpdir(), 'glimmer-genes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let matrix: CountMatrix;
let job: GeneJob;
let init: GenesWorkerInit;
let all: GeneResult[];

beforeAll(async () => {
  matrix = await readCountMatrix(`${DIR}counts.h5ad`, { layer: 'counts' });
  ({ job, init, all } = await fitEveryGeneMl(MODEL, matrix, undefined, 2));
}, 300_000);


describe('fit-genes --ml on 300 simulated genes', () => {
  it('agrees with glmmTMB within 0.02 SE on every gene glmmTMB fits without a warning', () => {
    const genes = new Map(readCsv('genes-300/reference/glmmtmb_genes.csv.gz').map((g) => [g.gene, g]));
    const byGene = new Map(all.map((r) => [r.gene, r]));
    let compared = 0;
    for (const ref of readCsv('genes-300/reference/glmmtmb_fixed_effects.csv.gz')) {
      const g = genes.get(ref.gene)!;
      if (g.converged !== 'TRUE' || g.message !== '') continue;
      const ours = rowOf(byGene.get(ref.gene)!, `beta[${ref.cell_group}]`)!;
      if (ours.upperBound) {
        // A group with no counts: glmmTMB's "estimate" is wherever its optimizer stopped (an SE of 80 to 10^6 on the log scale).
        expect(Number(ref.std_error)).toBeGreaterThan(10);
        continue;
      }
      const se = Number(ref.std_error);
      expect(Math.abs(ours.mean - Number(ref.estimate)) / se, `${ref.gene} ${ref.cell_group}`).toBeLessThan(EST_SE);
      expect(Math.abs(ours.sd / se - 1), `${ref.gene} ${ref.cell_group} SE`).toBeLessThan(SE_RATIO);
      compared++;
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it("covers the true cell-group effects with its 95% intervals 93-97% of the time", () => {
    const { inside, total } = coverageOf(all, JSON.parse(readFixture('genes-300/truth.json.gz')));
    expect(total).toBeGreaterThan(5000);
    expect(inside / total).toBeGreaterThanOrEqual(0.93);
    expect(inside / total).toBeLessThanOrEqual(0.97);
  });

  it('gives the three hard genes their status in words', () => {
    const [allZero, emptyGroup, high] = all.slice(0, 3);
    expect(allZero).toMatchObject({ gene: 'G00001', status: 'all zero', rows: [] });
    expect(emptyGroup.status).toBe('no counts in a group');
    expect(emptyGroup.detail).toContain("cell_group 'B : R : healthy'");
    const bound = rowOf(emptyGroup, 'beta[B : R : healthy]')!;
    expect(bound.upperBound).toBe(true);
    expect(bound.mean).toBeNaN();
    // The one-sided bound sits below the other groups' estimates of this gene (no counts among its cells).
    expect(bound.q97_5).toBeLessThan(rowOf(emptyGroup, 'beta[B : R : diseased]')!.mean);
    expect(high.status).toBe('converged');
    expect(high.gradNorm).toBeLessThan(1e-3);
  });

  it('says "no overdispersion" where a negative binomial dispersion runs to infinity (Poisson counts)', async () => {
    const nbFile = `${ROOT}models/genes_nb.glmm`;
    const nbSource = readFileSync(nbFile, 'utf8');
    const nb = { ...job, program: parseModel(nbSource, nbFile), source: nbSource, fileName: nbFile };
    const [high] = await fitGenes(nb, { ...init, source: nbSource, fileName: nbFile }, matrix, [2], { workers: 0 });
    expect(high.status).toBe('no overdispersion');
    expect(high.detail).toContain("'phi' runs to infinity");
    // The other estimates are the Poisson fit's (the same model in the limit), to the optimizer's tolerance.
    const poisson = all[2];
    for (const row of poisson.rows) expect(rowOf(high, row.name)!.mean).toBeCloseTo(row.mean, 3);
  }, 60_000);

  it('gives every gene a row in genes.csv order and counts no failures', () => {
    expect(all.map((r) => r.gene)).toEqual(matrix.genes);
    expect(all.filter((r) => r.status === 'failed')).toEqual([]);
  });
});

describe('fit-genes: the same answer however it is run', () => {
  const some = [1, 2, 9, 99, 199];

  it('from the 10x h5 and the Matrix Market folder (cells from CSV), in 0 or 2 workers, as from the h5ad', async () => {
    const expected = resultsCsv(some.map((g) => all[g]), true);
    const cellsCsv = { text: readFixture('genes-300/cells.csv.gz'), file: 'cells.csv' };
    for (const [path, workers] of [['filtered_feature_bc_matrix.h5', 0], ['mtx', 2]] as const) {
      const m = await readCountMatrix(`${DIR}${path}`);
      const cells = cellTable(m, columnSpecs(program).specs, cellsCsv);
      const { lineOf: _, ...plain } = cells;
      const got = await fitGenes({ ...job, cells }, { ...init, cells: plain }, m, some, { workers, batch: 2 });
      expect(resultsCsv(got, true)).toBe(expected);
    }
  }, 120_000);

  it("equals single-gene ppl infer on that gene's column", async () => {
    const g = 2;
    const csv = geneCsv(matrix, job.cells, g);
    const fit = await inferFit(compile(source, { fileName: MODEL, data: csv, ml: true }), { seed: 1 });
    for (const row of all[g].rows) {
      const s = fit.summary.find((r) => r.name === row.name) ?? fit.contrasts!.find((r) => r.name === row.name)!;
      expect(row.mean).toBeCloseTo(s.mean, 9);
      expect(row.sd).toBeCloseTo(s.sd, 9);
    }
  }, 60_000);
});

describe('ppl fit-genes', () => {
  const args = (out: string, extra: string[] = []): string[] => ['fit-genes', MODEL, `${DIR}counts.h5ad`, '--layer', 'counts', '--ml', '--out', out, '--genes', 'G00001,G00002,G00003,G00004', ...extra];

  it('writes results.csv and genes.csv and prints the count of each status', async () => {
    const out = join(tmp, 'run');
    const r = await runCli(args(out, ['--workers', '0']));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/converged\s+2\n\s+no counts in a group\s+1\n\s+all zero\s+1/);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(resultsCsv(all.slice(0, 4), true));
    const genes = readFileSync(join(out, 'genes.csv'), 'utf8').split('\n');
    expect(genes[0]).toBe('gene,status,detail,grad_norm,khat,seconds');
    expect(genes[1]).toMatch(/^G00001,all zero,no counts in any cell,NA,NA,/);
  }, 60_000);

  it('--resume fits only the genes the interrupted run lacks, and writes the same files', async () => {
    const out = join(tmp, 'resume');
    await runCli(args(out, ['--workers', '0']));
    const whole = readFileSync(join(out, 'results.csv'), 'utf8');
    rmSync(join(out, 'results.csv'));
    // An interrupted run of the same command: its resume file holds one gene, and a second cut short by the crash.
    const partial = join(out, '.fit-genes.partial.jsonl');
    startPartial(out, runKey(source, `${DIR}counts.h5ad`, { layer: 'counts', engine: 'laplace', ml: true, reml: false, seed: DEFAULT_SEED, contrast: [] }));
    appendPartial(out, all[0]);
    writeFileSync(partial, readFileSync(partial, 'utf8') + '{"gene":"G0000');
    const r = await runCli(args(out, ['--workers', '0', '--resume']));
    expect(r.code).toBe(0);
    expect(r.out).toContain('resuming: 1 done');
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toBe(whole);
  }, 60_000);

  it('refuses to resume another run', async () => {
    const out = join(tmp, 'other');
    startPartial(out, 'not-this-run');
    const r = await runCli(args(out, ['--resume']));
    expect(r.code).toBe(2);
    expect(r.err).toContain('error[E445]');
  });

  it('stops with located errors: no gene column, an unknown gene, an unwritable --out, cells without metadata', async () => {
    const noGene = await runCli(['fit-genes', `${ROOT}models/zeb2.glmm`, `${DIR}counts.h5ad`, '--layer', 'counts', '--out', join(tmp, 'x')]);
    expect(noGene.code).toBe(2);
    expect(noGene.err).toContain("error[E446]: ");
    expect(noGene.err).toContain("the data block declares no column 'gene'");
    const unknown = await runCli(args(join(tmp, 'x'), ['--genes', 'G0003']));
    expect(unknown.err).toContain("error[E447]: 1 gene not in");
    expect(unknown.err).toContain("hint: did you mean 'G00003'?");
    const unwritable = await runCli(args('/proc/glimmer-x'));
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toContain('error[E405]: cannot write the results to /proc/glimmer-x: ENOENT');
    const noCells = await runCli(['fit-genes', MODEL, `${DIR}mtx`, '--out', join(tmp, 'x')]);
    expect(noCells.err).toContain('error[E444]: ');
    expect(noCells.err).toContain('hint: give a CSV of the cells with --cells FILE');
  });
});
