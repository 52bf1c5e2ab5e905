import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRng, type Rng } from '../src/core/rng.js';
import { parseTable, type FactorColumn, type NumericColumn } from '../src/data/table.js';
import { readTextFile } from '../src/io/read_data.js';

/** The columns of models/zeb2.csv.gz, in its order: simulated files look like the real one to the parser. */
const HEADER = 'cell_id,patient_assignment,tissue_assignment,disease_assignment,celltype,total_count,cell_group,ZEB2';

interface Truth {
  readonly beta: Readonly<Record<string, number>>;
  readonly u: Readonly<Record<string, number>>;
}

/** What a simulated row is drawn from: the real rows' (cell group, patient, total_count) and the true effects. */
export interface SimulationSource {
  readonly groups: readonly string[];
  readonly patients: readonly string[];
  readonly groupCode: Int32Array;
  readonly patientCode: Int32Array;
  readonly totalCount: Float64Array;
  /** log rate per unit total_count of each (group, patient) pair: beta_g + u_p, indexed g * nPatients + p. */
  readonly logRate: Float64Array;
}

export function loadSimulationSource(dataPath: string, truthPath: string): SimulationSource {
  const table = parseTable(readTextFile(dataPath), dataPath, [
    { name: 'total_count', type: 'positive' },
    { name: 'cell_group', type: 'factor' },
    { name: 'patient_assignment', type: 'factor' },
  ]);
  const group = table.columns.get('cell_group') as FactorColumn;
  const patient = table.columns.get('patient_assignment') as FactorColumn;
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
  const logRate = new Float64Array(group.levels.length * patient.levels.length);
  group.levels.forEach((g, i) => patient.levels.forEach((p, j) => {
    const b = truth.beta[g];
    const u = truth.u[p];
    if (b === undefined || u === undefined) throw new Error(`truth.json has no effect for '${b === undefined ? g : p}'`);
    logRate[i * patient.levels.length + j] = b + u;
  }));
  return {
    groups: group.levels, patients: patient.levels, groupCode: group.codes, patientCode: patient.codes,
    totalCount: (table.columns.get('total_count') as NumericColumn).values, logRate,
  };
}

/**
 * Poisson(lambda) by Knuth's multiplicative method, exact but O(lambda) uniforms; larger rates are
 * split into pieces of at most 30 (a sum of independent Poissons is Poisson), which keeps exp(-lambda)
 * far from underflow. ZEB2's rates are mostly below 1.
 */
export function poisson(rng: Rng, lambda: number): number {
  let n = 0;
  for (let rest = lambda; rest > 0; rest -= 30) {
    const limit = Math.exp(-Math.min(rest, 30));
    let p = rng.uniform();
    while (p > limit) {
      n++;
      p *= rng.uniform();
    }
  }
  return n;
}

const num = (x: number): string => (Number.isInteger(x) ? x.toFixed(1) : String(x));

/**
 * A ZEB2-like table of n cells as CSV text. Each cell copies a random real cell's (cell group, patient,
 * total_count) — so group and patient frequencies, their nesting (each patient is healthy or diseased)
 * and the total_count distribution within each are the real data's — and draws
 * ZEB2 ~ Poisson(exp(beta_g + u_p) * total_count) with beta and u from truth.json.
 */
export function simulateCsv(source: SimulationSource, n: number, rng: Rng): string {
  const nReal = source.groupCode.length;
  const nP = source.patients.length;
  const groupText = source.groups.map((g) => {
    const [celltype = g, tissue = '', disease = ''] = g.split(' : ');
    return { tissue, disease, celltype, label: g };
  });
  const lines: string[] = [HEADER];
  for (let i = 0; i < n; i++) {
    const r = Math.min(nReal - 1, Math.floor(rng.uniform() * nReal));
    const g = source.groupCode[r];
    const p = source.patientCode[r];
    const tc = source.totalCount[r];
    const y = poisson(rng, Math.exp(source.logRate[g * nP + p]) * tc);
    const gt = groupText[g];
    lines.push(`${i + 1},${source.patients[p]},${gt.tissue},${gt.disease},${gt.celltype},${num(tc)},${gt.label},${num(y)}`);
  }
  return lines.join('\n') + '\n';
}

export interface SimulatedModel {
  readonly rows: number;
  readonly modelPath: string;
  readonly dataPath: string;
  readonly bytes: number;
}

/**
 * Writes `sim_<n>.csv.gz` and `zeb2_sim_<n>.glmm` (models/zeb2.glmm with its data block pointing at
 * that file) into `dir`. Seeded by n, so every size is reproducible on its own.
 */
export function writeSimulatedModel(source: SimulationSource, modelTemplate: string, dir: string, n: number, seed: number): SimulatedModel {
  const dataName = `sim_${n}.csv.gz`;
  const dataPath = join(dir, dataName);
  const gz = gzipSync(simulateCsv(source, n, createRng(`${seed}/${n}`)));
  writeFileSync(dataPath, gz);
  const model = readFileSync(modelTemplate, 'utf8');
  const pointed = model.replace(/data\s+"[^"]*"/, `data "${dataName}"`);
  if (pointed === model) throw new Error(`${modelTemplate}: no data "..." block to point at the simulated file`);
  const modelPath = join(dir, `zeb2_sim_${n}.glmm`);
  writeFileSync(modelPath, pointed);
  return { rows: n, modelPath, dataPath, bytes: gz.length };
}

