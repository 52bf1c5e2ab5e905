import { describe, expect, it } from 'vitest';
import { compile, type Model } from '../../src/api/compile.js';
import { inferFit, type Fit } from '../../src/api/infer.js';
import { describeModel } from '../../src/api/describe.js';
import { createRng } from '../../src/core/rng.js';
import { compileMessage } from '../helpers.js';

/*
 * Generated quantities over the data (issue 15): per level of a factor (`trend[year]`, every column read
 * constant within a level) and per row (`mu = exp(eta)`, reading the model block's definition). Each
 * element's draws must be the expression evaluated on the same draw's parameters with that level's or
 * row's data put in.
 */
const rng = createRng(11);
const poisson = (mean: number): number => {
  let k = 0;
  for (let p = rng.uniform(); p > Math.exp(-mean); p *= rng.uniform()) k++;
  return k;
};
const rows: { y: number; year: string; t: number; site: string; x: number }[] = [];
for (let year = 2000; year < 2006; year++) {
  for (const site of ['s1', 's2', 's3', 's4']) {
    for (let k = 0; k < 3; k++) {
      const t = (year - 2003) / 3;
      const x = Math.round(1000 * rng.normal()) / 1000;
      rows.push({ y: poisson(Math.exp(1 + 0.5 * t + 0.2 * x)), year: String(year), t, site, x });
    }
  }
}
const csv = ['y,year,t,site,x', ...rows.map((r) => `${r.y},${r.year},${r.t},${r.site},${r.x}`)].join('\n');
const head = `data { y: count  year: factor  t: real  site: factor  x: real }
parameters {
  a ~ Normal(0, 5)
  b ~ Normal(0, 5)
  c ~ Normal(0, 5)
  s ~ HalfNormal(1)
  u[site] ~ Normal(0, s)
}
model {
  eta = a + b * t + c * x + u[site]
  y ~ Poisson(log_rate = eta)
}`;
const build = (generated: string, ml = false): Model => compile(`${head}\ngenerated {\n${generated}\n}`, { data: { text: csv, file: 'd.csv' }, ml });

function column(fit: Fit, name: string): Float64Array {
  const j = fit.names.indexOf(name);
  expect(j).toBeGreaterThanOrEqual(0);
  return Float64Array.from(fit.draws, (d) => d[j]);
}

describe('generated quantities per level of a factor', () => {
  it('each level its own element, the data read at that level, on every draw', async () => {
    const m = build('  trend[year] = exp(a + b * t)\n  site_rate[site] = exp(a + u[site])\n  ratio = trend["2005"] / trend["2000"]');
    expect(describeModel(m).generated).toEqual(['trend[year]', 'site_rate[site]', 'ratio']);
    const fit = await inferFit(m, { engine: 'laplace', seed: 3, draws: 400 });
    const [a, b] = [column(fit, 'a'), column(fit, 'b')];
    for (let year = 2000; year < 2006; year++) {
      const t = (year - 2003) / 3;
      const trend = column(fit, `trend[${year}]`);
      trend.forEach((v, d) => expect(v).toBeCloseTo(Math.exp(a[d] + b[d] * t), 10));
    }
    const u3 = column(fit, 'u[s3]');
    column(fit, 'site_rate[s3]').forEach((v, d) => expect(v).toBeCloseTo(Math.exp(a[d] + u3[d]), 10));
    column(fit, 'ratio').forEach((v, d) => expect(v).toBeCloseTo(Math.exp(b[d] * (5 / 3)), 10));
    // A contrast may read one element by its label.
    const withContrast = await inferFit(m, { engine: 'laplace', seed: 3, draws: 400, contrasts: ['trend["2005"] - trend["2000"]'] });
    const c = withContrast.contrasts!.find((r) => r.name === 'trend["2005"] - trend["2000"]')!;
    const diff = Float64Array.from(withContrast.draws, (_, d) => column(withContrast, 'trend[2005]')[d] - column(withContrast, 'trend[2000]')[d]);
    expect(c.mean).toBeCloseTo(diff.reduce((s, v) => s + v, 0) / diff.length, 10);
  });

  it('--ml: the estimate is the expression at the estimates', async () => {
    const fit = await inferFit(build('  trend[year] = exp(a + b * t)', true), { engine: 'laplace' });
    const est = (name: string): number => fit.summary.find((r) => r.name === name)!.mean;
    for (const year of [2000, 2004]) expect(est(`trend[${year}]`)).toBeCloseTo(Math.exp(est('a') + est('b') * ((year - 2003) / 3)), 8);
  });
});

describe('generated quantities per row', () => {
  it("read the model block's definitions: one element per data row", async () => {
    const m = build('  mu = exp(eta)');
    expect(describeModel(m).generated).toEqual(['mu[row]']);
    expect(m.ir.generated.map((g) => g.name)).toEqual(rows.map((_, i) => `mu[${i + 1}]`));
    const fit = await inferFit(m, { engine: 'laplace', seed: 3, draws: 200 });
    const [a, b, c] = [column(fit, 'a'), column(fit, 'b'), column(fit, 'c')];
    for (const i of [0, 17, rows.length - 1]) {
      const r = rows[i];
      const u = column(fit, `u[${r.site}]`);
      column(fit, `mu[${i + 1}]`).forEach((v, d) => expect(v).toBeCloseTo(Math.exp(a[d] + b[d] * r.t + c[d] * r.x + u[d]), 10));
    }
  });
});

describe("a generated quantity named like a model block's definition", () => {
  it('replaces it from there on (as before definitions were visible to the generated block)', () => {
    const m = build('  eta = 2 * a\n  twice = eta + 1');
    expect(m.ir.generated.map((g) => g.name)).toEqual(['eta', 'twice']);
    expect(m.ir.generated[1].expr).toEqual({ op: 'bin', o: '+', a: { op: 'bin', o: '*', a: { op: 'const', value: 2 }, b: { op: 'param', param: 0 } }, b: { op: 'const', value: 1 } });
    expect(compileMessage(() => build('  q = a\n  q = b'))).toBe("E207: 'q' is already defined (choose another name)");
  });
});

describe('what a quantity over the data cannot be, in located messages', () => {
  const message = (generated: string): string => compileMessage(() => build(generated));
  it('a column that varies within a level; an index that is not a factor', () => {
    expect(message('  bad[year] = exp(a + c * x)')).toBe(`E205: 'bad[year]' reads 'x', which varies within level '2000' of 'year' (rows 1 and 2: ${rows[0].x} and ${rows[1].x}): ` +
      "a quantity per level reads one value per level (write bad = ... without [year] for one value per row, or read only columns that are constant within each level of 'year')");
    expect(message('  bad[year] = a + u[site]')).toBe("E205: 'bad[year]' reads 'u[site]', and 'site' varies within level '2000' of 'year' (rows 1 and 4: \"s1\" and \"s2\"): " +
      "a quantity per level reads one value per level (write bad = ... without [year] for one value per row, or read only columns that are constant within each level of 'year')");
    expect(message('  bad[x] = a')).toBe("E205: 'x' is not a factor: a generated quantity is indexed by a factor, one value per level (factors: year, site)");
    expect(message('  bad[yaer] = a')).toBe("E205: 'yaer' is not a factor: a generated quantity is indexed by a factor, one value per level (did you mean 'year'?)");
  });
  it('a vector read whole, or by a label it does not have', () => {
    expect(message('  f[year] = a\n  z = f')).toBe('E205: \'f\' has one value per level of \'year\'; address one by its label (e.g. f["2000"])');
    expect(message('  f[year] = a\n  z = f["1999"]')).toBe('E206: \'1999\' is not a level of \'year\' (e.g. f["2000"])');
    expect(message('  f[year] = a\n  z = f["2001 "]')).toBe('E206: \'2001 \' is not a level of \'year\' (did you mean "2001"?)');
    expect(message('  mu = exp(eta)\n  z = mu["0"]')).toBe(`E206: '0' is not a row of 'mu' (rows 1 to ${rows.length}) (e.g. mu["1"])`);
  });
  it('more rows than a quantity may have: index it by a factor instead', () => {
    const many = ['y,g,x', ...Array.from({ length: 2001 }, (_, i) => `${i % 3},g${i % 4},${i}`)].join('\n');
    expect(compileMessage(() => compile('data { y: count  g: factor  x: real }\nparameters { a ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = a) }\ngenerated { m = exp(a + x) }',
      { data: { text: many, file: 'many.csv' } }))).toBe("E205: 'm' reads the data, so it has one value per row: 2001 rows, more than the 2000 a generated quantity may have (index it by a factor for one value per level, e.g. m[g] = ...)");
  });
  it('a contrast stays one number: no data', async () => {
    await expect(inferFit(build(''), { engine: 'laplace', draws: 50, contrasts: ['a * x'] })).rejects.toThrow("data column 'x' cannot be used in a contrast");
  });
});
