import { describe, expect, it } from 'vitest';
import { orderLevels } from '../../src/data/table.js';

describe("orderLevels: R's factor() order", () => {
  it('compares letters case-insensitively first and digits as characters, like sort() in en_US.UTF-8', () => {
    expect(orderLevels(['C2', 'C10', 'c1', 'B'])).toEqual(['B', 'c1', 'C10', 'C2']);
    expect(orderLevels(['b', 'C', 'a'])).toEqual(['a', 'b', 'C']);
  });

  it('puts lower case first when letters tie, and drops repeats', () => {
    expect(orderLevels(['B', 'b', 'A', 'a', 'b'])).toEqual(['a', 'A', 'b', 'B']);
  });

  it('orders the ZEB2 cell groups and patients as R does', () => {
    const groups = ['unknown : R : healthy', 'T : PBMC : diseased', 'NK : R : healthy', 'M/DC : PBMC : healthy', 'B : R : diseased'];
    expect(orderLevels(groups)).toEqual(['B : R : diseased', 'M/DC : PBMC : healthy', 'NK : R : healthy', 'T : PBMC : diseased', 'unknown : R : healthy']);
    expect(orderLevels(['U1', 'C9', 'U7', 'C1'])).toEqual(['C1', 'C9', 'U1', 'U7']);
  });

  it('orders numbers numerically when every level is a number, keeping the strings as labels', () => {
    expect(orderLevels(['10', '9', '1.5'])).toEqual(['1.5', '9', '10']);
    expect(orderLevels(['1e3', '-2', '0.50'])).toEqual(['-2', '0.50', '1e3']);
  });

  it('keeps differently written equal numbers apart, in code-point order', () => {
    expect(orderLevels(['1.0', '2', '1'])).toEqual(['1', '1.0', '2']);
  });

  it('falls back to text order when any level is not a number', () => {
    expect(orderLevels(['10', '9', 'x'])).toEqual(['10', '9', 'x']);
    expect(orderLevels(['10', '9', 'Inf'])).toEqual(['10', '9', 'Inf']);
  });

  it('accepts any iterable, and no levels at all', () => {
    expect(orderLevels(new Set(['b', 'a']).values())).toEqual(['a', 'b']);
    expect(orderLevels([])).toEqual([]);
  });
});
