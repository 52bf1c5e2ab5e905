import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { ROOT, loadRepoModel } from '../helpers.js';

// Issue 7's acceptance: `ppl ppc models/zeb2.glmm` reports the proportion of zeros per cell group next
// to the observed one (and the replicated 95% interval and p-value).
describe('ppl ppc models/zeb2.glmm', () => {
  const lines: string[] = [];
  const run = main(['ppc', `${ROOT}models/zeb2.glmm`], { out: (s) => lines.push(s), err: (s) => lines.push(s) });

  it('prints, per cell group, the observed proportion of zeros next to the replicated one', async () => {
    expect(await run).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/^posterior predictive check of .*zeb2\.glmm: 500 data sets of 68627 rows replicated from the laplace fit/);
    const table = text.slice(text.indexOf('proportion of zeros of ZEB2 by cell_group:')).split('\n\n')[0].split('\n');
    expect(table[1]).toMatch(/^cell_group +rows +observed +replicated +2\.5% +97\.5% +P\(rep>=obs\)$/);
    // The observed proportions, computed here from the model's own data.
    const ir = loadRepoModel('zeb2.glmm').rowwiseIr;
    const y = ir.data.numeric.get('ZEB2')!;
    const { levels, codes } = ir.data.factors.get('cell_group')!;
    expect(table).toHaveLength(2 + 1 + levels.length);
    levels.forEach((level, k) => {
      let n = 0;
      let zeros = 0;
      codes.forEach((c, i) => {
        if (c !== k) return;
        n++;
        if (y[i] === 0) zeros++;
      });
      const row = table.find((l) => l.startsWith(`${level}  `));
      expect(row, level).toBeDefined();
      const cells = row!.slice(level.length).trim().split(/\s+/);
      expect(Number(cells[0]), level).toBe(n);
      expect(Number(cells[1]), level).toBeCloseTo(zeros / n, 4);
      // The replicated mean lies inside its own interval, and the p-value is a probability.
      const [rep, lo, hi, p] = cells.slice(2, 6).map(Number);
      expect(lo <= rep && rep <= hi, level).toBe(true);
      expect(p >= 0 && p <= 1, level).toBe(true);
    });
  }, 300_000);
});
