import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run_cli.js';
import { ROOT } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'glimmer-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const zeb2 = readFileSync(`${ROOT}models/zeb2.glmm`, 'utf8');
copyFileSync(`${ROOT}models/zeb2.csv.gz`, join(dir, 'zeb2.csv.gz'));

const run = runCli;

describe('ppl check', () => {
  it('exits 2 on a misspelled distribution, with place, line, caret and suggestion', async () => {
    const file = join(dir, 'typo.glmm');
    writeFileSync(file, zeb2.replace('Poisson(log_rate', 'Poison(log_rate'));
    const r = await run(['check', file]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe([
      "error[E203]: unknown distribution 'Poison'",
      `  --> ${file}:18:10`,
      '   |',
      '18 |   ZEB2 ~ Poison(log_rate = beta[cell_group] + u[patient_assignment] + log(total_count))',
      '   |          ^^^^^^',
      "hint: did you mean 'Poisson'?",
    ].join('\n'));
  });

  it('prints parameters, sizes and data rows for a good model', async () => {
    const file = join(dir, 'zeb2.glmm');
    writeFileSync(file, zeb2);
    const r = await run(['check', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('68627 rows');
    expect(r.out).toMatch(/beta\s+\[cell_group\] 20 levels, real/);
    expect(r.out).toMatch(/u\s+\[patient_assignment\] 16 levels, real/);
    expect(r.out).toMatch(/sigma_patient\s+scalar, positive/);
  });

  it('reports a missing data file with exit 2', async () => {
    const file = join(dir, 'nodata.glmm');
    writeFileSync(file, zeb2.replace('zeb2.csv.gz', 'missing.csv.gz'));
    const r = await run(['check', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error[E401]: cannot read data file '${join(dir, 'missing.csv.gz')}': no such file`);
    expect(r.err).toContain(`--> ${file}:4:6`);
  });

  it("refuses a data path outside the model's folder (E404, exit 2) unless --allow-path; infer reads it too", async () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    const file = join(sub, 'up.glmm');
    writeFileSync(file, zeb2.replace('"zeb2.csv.gz"', '"../zeb2.csv.gz"'));
    const refused = await run(['check', file]);
    expect(refused.code).toBe(2);
    expect(refused.err.split('\n')[0]).toBe("error[E404]: data file '../zeb2.csv.gz' is outside the model file's folder");
    expect(refused.err.split('\n').at(-1)).toBe(`hint: a model names its data relative to its own folder; to read this file, pass it on the command line (--data ${join(dir, 'zeb2.csv.gz')}) or allow the path the model names (--allow-path)`);
    const allowed = await run(['check', file, '--allow-path']);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain(`data: ${join(dir, 'zeb2.csv.gz')}, 68627 rows`);
    const fit = await run(['infer', file, '--allow-path', '--ml']);
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/sigma_patient/);
  });

  it('reports a missing model file with exit 2', async () => {
    const r = await run(['check', join(dir, 'nope.glmm')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error\[E401\]: cannot read model file/);
  });
});

describe('ppl --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(pkg.version);
    }
  });
});

describe('ppl usage errors', () => {
  it('exits 2 on an unknown engine or option', async () => {
    expect((await run(['infer', 'x.glmm', '--engine', 'gibbs'])).code).toBe(2);
    expect((await run(['infer', 'x.glmm', '--bogus'])).code).toBe(2);
    expect((await run(['infer', 'x.glmm', '--seed', 'abc'])).code).toBe(2);
  });
  it('refuses an option the chosen engine would ignore, naming the engines it is for', async () => {
    const cases: [string[], string][] = [
      [['--engine', 'nuts', '--psis'], '--psis does not apply to --engine nuts: it reweights the draws of a Gaussian approximation (laplace, laplace-joint, advi, fullrank)'],
      [['--chains', '2'], '--chains does not apply to --engine laplace: it sets up MCMC (nuts, hmc)'],
      [['--engine', 'advi', '--dense'], '--dense does not apply to --engine advi: it sets up MCMC (nuts, hmc)'],
      [['--engine', 'nuts', '--no-average'], '--no-average does not apply to --engine nuts: it sets up variational inference (advi, fullrank)'],
      [['--engine', 'laplace', '--lr', '0.1'], '--lr does not apply to --engine laplace: it sets up variational inference (advi, fullrank)'],
    ];
    for (const [args, message] of cases) {
      const r = await run(['infer', `${ROOT}models/eight_schools.glmm`, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.split('\n')[0]).toBe(`error: ${message}`);
    }
  });

  it('writes no output folder when the model is wrong', async () => {
    const file = join(dir, 'typo2.glmm');
    writeFileSync(file, zeb2.replace('HalfNormal', 'HalfNormall'));
    const out = join(dir, 'out-never');
    const r = await run(['infer', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the installed binary', () => {
  it('runs `ppl check` with nothing but our output on stdout, and exits 2 on a mistake', () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT });
    const good = spawnSync('node', [`${ROOT}bin/ppl.js`, 'check', join(dir, 'zeb2.glmm')], { encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout.split('\n')[0]).toBe(`${join(dir, 'zeb2.glmm')}: ok`);
    const bad = spawnSync('node', [`${ROOT}bin/ppl.js`, 'check', join(dir, 'typo.glmm')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('fit-genes with a worker on every core starts again without V8\'s helper threads: the same results, its exit code', () => {
    const genes = 'G00001,G00002,G00003,G00004,G00005,G00006';
    const fit = (out: string, workers: string[]) => spawnSync('node', [`${ROOT}bin/ppl.js`, 'fit-genes', `${ROOT}models/genes.glmm`, `${ROOT}test/fixtures/genes-300/counts.h5ad`,
      '--layer', 'counts', '--ml', '--genes', genes, '--out', join(dir, out), ...workers], { encoding: 'utf8' });
    const cores = availableParallelism();
    const relaunched = fit('genes-relaunched', ['--workers', String(cores)]);
    const here = fit('genes-here', ['--workers', '0']);
    expect([relaunched.status, here.status]).toEqual([0, 0]);
    expect(relaunched.stdout).toContain(`${cores} worker`);
    expect(readFileSync(join(dir, 'genes-relaunched', 'results.csv'), 'utf8')).toBe(readFileSync(join(dir, 'genes-here', 'results.csv'), 'utf8'));
    const missing = spawnSync('node', [`${ROOT}bin/ppl.js`, 'fit-genes', `${ROOT}models/genes.glmm`, join(dir, 'none.h5ad'), '--out', join(dir, 'genes-none')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^error\[E4\d\d\]/);
  }, 60_000);
});
