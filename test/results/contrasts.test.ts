import { describe, expect, it } from 'vitest';
import { contrastRow, contrastsCsv, contrastsTable, formatProbability, probabilityPositive } from '../../src/results/contrasts.js';

describe('contrast summaries with P(> 0)', () => {
  it('P(> 0) is the (weighted) share of positive draws; zero counts as not positive', () => {
    expect(probabilityPositive([-1, 0, 2, 3])).toBe(0.5);
    expect(probabilityPositive([-1, 2], [3, 1])).toBe(0.25);
    expect(probabilityPositive([])).toBeNaN();
  });

  it('a row has the summary of the draws and P(> 0), weighted when the draws are', () => {
    const x = Float64Array.from({ length: 1001 }, (_, i) => i / 100 - 2); // -2 .. 8
    const row = contrastRow('d', x);
    expect(row).toMatchObject({ name: 'd', q50: 3, pPositive: 800 / 1001 });
    expect(row.mean).toBeCloseTo(3, 12);
    const w = Float64Array.from(x, (v) => (v > 0 ? 1 : 3));
    const weighted = contrastRow('d', x, w);
    expect(weighted.pPositive).toBeCloseTo(800 / (800 + 3 * 201), 12);
    expect(weighted.mean).toBeLessThan(row.mean);
  });

  it('carries MCMC diagnostics when the draws come in chains', () => {
    const x = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 1.7));
    expect(contrastRow('d', x, undefined, 4).rhat).toBeGreaterThan(0);
    expect(contrastRow('d', x).rhat).toBeUndefined();
  });

  it('prints probabilities the draws cannot resolve as bounds, not as certainty', () => {
    expect(formatProbability(1)).toBe('>0.999');
    expect(formatProbability(0)).toBe('<0.001');
    expect(formatProbability(0.25)).toBe('0.250');
  });

  it('writes a CSV with extra columns after the name and an aligned table', () => {
    const rows = [contrastRow('a[x, y] - a[z]', Float64Array.of(1, 2, 3))];
    expect(contrastsCsv(rows, [{ head: 'by', cell: () => 'tissue' }])).toBe('name,by,mean,sd,q2.5,q50,q97.5,p_positive\n"a[x, y] - a[z]",tissue,2,1,1.05,2,2.95,1\n');
    expect(contrastsTable(rows)).toBe('name             mean     sd   2.5%  97.5%   P(>0)\na[x, y] - a[z]  2.000  1.000  1.050  2.950  >0.999');
  });
});
