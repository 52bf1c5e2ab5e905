import { describe, expect, it } from 'vitest';
import { ALL, collectPpc, groupStatistics, outside, ppcCsv, ppcTables, statisticsFor, type Grouping } from '../../src/results/ppc.js';

const grouping: Grouping = { name: 'g', levels: ['a', 'b', 'empty'], codes: Int32Array.of(0, 1, 0, 1, 0, -1) };
const y = Float64Array.of(0, 2, 3, 0, 0, 5);

describe('groupStatistics', () => {
  it('mean, variance (n - 1) and proportion of zeros of all rows and of each group; NaN for an empty group', () => {
    const { values, rows } = groupStatistics(y, grouping, ['mean', 'variance', 'zeros']);
    expect(Array.from(rows)).toEqual([6, 3, 2, 0]);
    const at = (k: number) => Array.from(values.slice(3 * k, 3 * k + 3));
    expect(at(0)[0]).toBeCloseTo(10 / 6, 14);
    expect(at(0)[1]).toBeCloseTo((0 + 4 + 9 + 0 + 0 + 25 - 100 / 6) / 5, 14);
    expect(at(0)[2]).toBe(3 / 6);
    expect(at(1)).toEqual([1, 3, 2 / 3]); // a: 0, 3, 0
    expect(at(2)).toEqual([1, 2, 1 / 2]); // b: 2, 0
    expect(at(3).every(Number.isNaN)).toBe(true);
  });

  it('keeps the variance of values with a large common offset (Welford)', () => {
    const big = Float64Array.of(1e9 + 1, 1e9 + 2, 1e9 + 3);
    expect(groupStatistics(big, undefined, ['variance']).values[0]).toBe(1);
  });

  it('checks zeros only for counts', () => {
    expect(statisticsFor(true)).toEqual(['mean', 'variance', 'zeros']);
    expect(statisticsFor(false)).toEqual(['mean', 'variance']);
  });
});

describe('collectPpc: replicated statistics against the observed', () => {
  // 100 replicates of the 6 rows: replicate r is y shifted by (r - 50) / 50 in every row.
  const c = collectPpc('y', 'Poisson', y, grouping, ['mean', 'zeros']);
  for (let r = 0; r < 100; r++) c.add(Float64Array.from(y, (v) => v + (r - 50) / 50));
  const result = c.result();

  it('one row per statistic and non-empty group, ALL first', () => {
    expect(result).toMatchObject({ column: 'y', family: 'Poisson', by: 'g', draws: 100, statistics: ['mean', 'zeros'] });
    expect(result.rows.map((r) => `${r.statistic} ${r.group} ${r.rows}`)).toEqual(['mean (all rows) 6', 'mean a 3', 'mean b 2', 'zeros (all rows) 6', 'zeros a 3', 'zeros b 2']);
  });

  it('p = P(T_rep >= T_obs), interval and mean over the replicates', () => {
    const mean = result.rows.find((r) => r.statistic === 'mean' && r.group === ALL)!;
    // shifts -1, -0.98, ..., 0.98: the mean moves by the shift; shifts >= 0 are the last 50.
    expect(mean.pValue).toBe(0.5);
    expect(mean.replicatedMean).toBeCloseTo(10 / 6 - 0.01, 12);
    expect(mean.q2_5).toBeCloseTo(10 / 6 - 1 + 0.02 * 99 * 0.025, 12);
    expect(outside(mean)).toBe(false);
    // Zeros survive only the zero shift (r = 50): every other replicate has none, fewer than observed.
    const zeros = result.rows.find((r) => r.statistic === 'zeros' && r.group === 'a')!;
    expect(zeros.observed).toBe(2 / 3);
    expect(zeros.pValue).toBe(0.01);
    expect(outside(zeros)).toBe(true);
  });

  it('tables mark what falls outside the replicated interval; the CSV holds every row', () => {
    const text = ppcTables(result);
    expect(text).toMatch(/^mean of y by g:\ng +rows +observed +replicated +2\.5% +97\.5% +P\(rep>=obs\)\n\(all rows\) +6 +1\.6667/);
    expect(text).toMatch(/proportion of zeros of y by g:[\s\S]*\na +3 +0\.6667 +0\.0067 +0\.0000 +0\.0000 +0\.010 +\*/);
    expect(text).toMatch(/3 of 6 observed statistics lie outside the 95% interval of 100 replicated data sets \(marked \*\)$/);
    const csv = ppcCsv([result]).trim().split('\n');
    expect(csv[0]).toBe('column,statistic,by,group,rows,observed,replicated_mean,q2.5,q97.5,p_value');
    expect(csv).toHaveLength(7);
    expect(csv[5]).toBe('y,zeros,g,a,3,0.66666667,0.0066666667,0,0,0.01');
  });

  it('leaves out statistics a group cannot have: the variance of one row', () => {
    const one = collectPpc('y', 'Normal', Float64Array.of(1, 2, 4), { name: 'g', levels: ['a', 'b'], codes: Int32Array.of(0, 0, 1) }, ['mean', 'variance']);
    one.add(Float64Array.of(1, 1, 1));
    expect(one.result().rows.map((r) => `${r.statistic} ${r.group}`)).toEqual(['mean (all rows)', 'mean a', 'mean b', 'variance (all rows)', 'variance a']);
  });

  it('rejects a replicate of the wrong length', () => {
    expect(() => collectPpc('y', 'Poisson', y, undefined, ['mean']).add(Float64Array.of(1))).toThrow(/1 replicated rows, 6 observed/);
  });
});
