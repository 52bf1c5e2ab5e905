import { afterEach, describe, expect, it, vi } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { gridStep, pointCostMs } from '../../../src/engines/nested/grid.js';
import { loadModel } from '../../../src/io/load_model.js';
import { ROOT } from '../../helpers.js';

// Same seed, same numbers, on any machine and under any load: the nested Laplace's grid is sized from
// counts (rows, the factorisation's flops), never from a timed evaluation. It once took its step from
// one marginal evaluation timed at the mode, so a busy machine drew a coarser grid and other numbers.

afterEach(() => vi.restoreAllMocks());

describe('nested Laplace does not read the clock to decide anything', () => {
  it('gives the same summary when every clock reading jumps by 10 s', async () => {
    const model = () => loadModel(`${ROOT}test/battery/grouseticks/model.glmm`);
    const plain = await inferFit(model(), { engine: 'laplace', seed: 3 });
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 10_000));
    const slow = await inferFit(model(), { engine: 'laplace', seed: 3 });
    expect(slow.summary).toEqual(plain.summary);
  }, 120_000);

  it('coarsens the grid for a model whose points are expensive by count (InstEval: 73,421 rows, 2.7e8 flops)', () => {
    const cost = pointCostMs(73_421, 2.7e8);
    expect(cost).toBeGreaterThan(100);
    expect(gridStep(4, cost)).toBeGreaterThan(gridStep(4, pointCostMs(400, 2e4)));
    expect(gridStep(4, pointCostMs(400, 2e4))).toBe(gridStep(4, 0));
  });
});
