import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { aliasedFixedEffects } from '../../../src/compiler/latent/aliased.js';

// The aliased columns of the fixed effects' model matrix, remembered for a matrix seen before (fit-genes:
// gene after gene on the same cells): only an identical matrix may share an answer.
const src = 'data { y: real x: real z: real } parameters { a ~ Normal(0, 10) b ~ Normal(0, 10) c ~ Normal(0, 10) s ~ HalfNormal(1) } ' +
  'model { y ~ Normal(a + b * x + c * z, s) }';
const table = (z: (i: number) => number, y = (i: number) => i % 7): string =>
  'y,x,z\n' + Array.from({ length: 30 }, (_, i) => `${y(i)},${i % 5},${z(i)}`).join('\n');
const aliased = (csv: string): string[] => {
  const m = compile(src, { fileName: 't.glmm', data: { text: csv, file: 't.csv' }, ml: true });
  return aliasedFixedEffects(m.ir).map((a) => m.ir.params.find((p) => p.offset === a.coord)!.name);
};

describe('aliasedFixedEffects', () => {
  it('answers each model matrix for itself, alternating between matrices with the same coordinates', () => {
    const repeated = table((i) => 2 * (i % 5));
    const own = table((i) => (i * i) % 11);
    for (let round = 0; round < 2; round++) {
      expect(aliased(repeated)).toEqual(['c']);
      expect(aliased(own)).toEqual([]);
      // A new response on the same matrix (another gene): the same answer.
      expect(aliased(table((i) => 2 * (i % 5), (i) => (3 * i) % 4))).toEqual(['c']);
    }
    // The same shape with one entry changed is another matrix.
    expect(aliased(table((i) => (i === 29 ? 1 : 2 * (i % 5))))).toEqual([]);
  });
});
