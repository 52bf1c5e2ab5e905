import { describe, expect, it } from 'vitest';
import { inferFit } from '../../../src/api/infer.js';
import { FULLRANK_MAX_DIM } from '../../../src/engines/vi/run.js';
import { compileText } from '../../helpers.js';

describe('fullrank on a model with thousands of parameters', () => {
  it('refuses with E517 and names the engines that scale, before any step', async () => {
    const n = FULLRANK_MAX_DIM + 1;
    // Two rows per group (a gaussian effect per row would be the residual itself, which the formula refuses).
    const csv = ['y,g', ...Array.from({ length: 2 * n }, (_, i) => `${(i % 7) / 3},g${i % n}`)].join('\n');
    const model = compileText('data "d.csv" { y: real  g: factor }\nmodel { y ~ gaussian(1 + (1 | g)) }', csv);
    await expect(inferFit(model, { engine: 'fullrank' })).rejects.toMatchObject({ code: 'E517', hint: expect.stringContaining('--engine laplace') });
  });
});
