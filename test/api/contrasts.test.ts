import { describe, expect, it } from 'vitest';
import { GlimmerError, compile, infer } from '../../src/api/index.js';

const csv = ['y,g', ...Array.from({ length: 60 }, (_, i) => `${(i * 7) % 5 + (i % 3 === 0 ? 2 : 0)},${['a', 'b c', 'd'][i % 3]}`)].join('\n');
const source = `data { y: count  g: factor }
parameters { s ~ HalfNormal(1)  b[g] ~ Normal(0, s) }
model { y ~ Poisson(log_rate = b[g]) }
generated { ab = b["a"] - b["b c"] }`;

describe('infer(model, { contrasts }): the library API', () => {
  const model = compile(source, { fileName: 'm.glmm', data: { text: csv, file: 'm.csv' } });

  it('returns generated quantities and contrasts with P(> 0), weighted by the PSIS weights when there are some', async () => {
    const fit = await infer(model, { engine: 'laplace-joint', seed: 3, draws: 2000, psis: true, contrasts: ['b[a] - b[b c]', 'b[d] - b[a]'] });
    expect(fit.contrasts?.map((c) => c.name)).toEqual(['ab', 'b[a] - b[b c]', 'b[d] - b[a]']);
    const w = fit.weights!;
    expect(w).toBeDefined();
    const [a, bc, d] = ['b[a]', 'b[b c]', 'b[d]'].map((n) => fit.draws(n));
    const weightedShare = (f: (i: number) => boolean) => {
      let pos = 0;
      let total = 0;
      w.forEach((wi, i) => { total += wi; if (f(i)) pos += wi; });
      return pos / total;
    };
    expect(fit.contrasts![1].pPositive).toBeCloseTo(weightedShare((i) => a[i] - bc[i] > 0), 12);
    expect(fit.contrasts![2].pPositive).toBeCloseTo(weightedShare((i) => d[i] - a[i] > 0), 12);
    expect(fit.contrasts![0]).toEqual({ ...fit.contrasts![1], name: 'ab' });
  });

  it('checks the texts before fitting: a GlimmerError located in the contrast', async () => {
    const err = await infer(model, { engine: 'nuts', contrasts: ['b[e] - b[a]'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GlimmerError);
    expect((err as GlimmerError).diagnostics).toEqual([{
      code: 'E206', message: "'e' is not a level of 'g'", span: { file: '--contrast', line: 1, col: 3, length: 1 }, hint: 'levels: "a", "b c", "d"',
    }]);
  });
});
