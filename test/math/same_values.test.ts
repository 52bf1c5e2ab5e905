import { describe, expect, it } from 'vitest';
import { sameValues } from '../../src/math/same_values.js';

describe('sameValues', () => {
  it('is true only for the same numbers in the same order: a NaN, another length or a sign of zero aside', () => {
    expect(sameValues(Float64Array.of(1, 2.5), [1, 2.5])).toBe(true);
    expect(sameValues(Float64Array.of(1, 2.5), Float64Array.of(1, 2.5000000000000004))).toBe(false);
    expect(sameValues([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValues([NaN], [NaN])).toBe(false);
    expect(sameValues([0], [-0])).toBe(true);
  });
});
