import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../../src/core/rng.js';
import { poisson } from '../../src/distributions/sample.js';

/**
 * A small ZEB2 look-alike for CLI tests: 2 cell types x 2 tissues x 2 disease states (the factor
 * `group` = "celltype : tissue : disease"), 6 patients nested in disease, Poisson counts with an
 * exposure. Columns the model does not declare (celltype, tissue_assignment, disease_assignment)
 * are there for `--by`.
 */
export const MINI_MODEL = `data "mini.csv" {
  y: count
  total: positive
  group: factor
  patient: factor
}
parameters {
  s ~ HalfNormal(1)
  beta[group] ~ Normal(0, 10)
  u[patient] ~ Normal(0, s)
}
model {
  y ~ Poisson(log_rate = beta[group] + u[patient] + log(total))
}
generated {
  d = beta["T : R : diseased"] - beta["T : R : healthy"]
}
`;

export function writeMini(dir: string): string {
  const rng = createRng('mini');
  const lines = ['cell_id,patient,tissue_assignment,disease_assignment,celltype,total,group,y'];
  let id = 0;
  const effect = (c: string, t: string, d: string) => -6 + (c === 'T' ? 0.5 : 0) + (t === 'R' ? -0.3 : 0) + (d === 'diseased' && t === 'R' ? 0.9 : 0);
  for (const [p, d] of [['H1', 'healthy'], ['H2', 'healthy'], ['H3', 'healthy'], ['D1', 'diseased'], ['D2', 'diseased'], ['D3', 'diseased']]) {
    const u = 0.2 * rng.normal();
    for (const t of ['PBMC', 'R']) {
      for (const c of ['B', 'T']) {
        for (let i = 0; i < 40; i++) {
          const total = 500 + Math.floor(2000 * rng.uniform());
          const y = poisson(rng, Math.exp(effect(c, t, d) + u) * total);
          lines.push([id++, p, t, d, c, total, `${c} : ${t} : ${d}`, y].join(','));
        }
      }
    }
  }
  writeFileSync(join(dir, 'mini.csv'), lines.join('\n') + '\n');
  const model = join(dir, 'mini.glmm');
  writeFileSync(model, MINI_MODEL);
  return model;
}
