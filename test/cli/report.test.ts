import { describe, expect, it } from 'vitest';
import { khatVerdict } from '../../src/cli/report.js';

// One k-hat scale everywhere (docs/engines.md, the warnings, the diagnostics line).
describe('the k-hat line', () => {
  it('says good, usable but imperfect, or unreliable, as the warnings do', () => {
    expect(khatVerdict(0.3, 0.7)).toBe('good: at most 0.5; usable up to 0.70');
    expect(khatVerdict(0.54, 0.7)).toBe('usable but imperfect: between 0.5 and 0.70');
    expect(khatVerdict(0.68, 0.667)).toBe('unreliable: above 0.67');
    expect(khatVerdict(1.17, 0.7)).toBe('unreliable: above 0.70');
  });
});
