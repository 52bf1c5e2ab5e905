import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/core/render_error.js';

describe('renderDiagnostic', () => {
  const d = { code: 'E203', message: "unknown distribution 'Poison'", span: { file: 'm.glmm', line: 2, col: 5, length: 6 }, hint: "did you mean 'Poisson'?" };
  const expected = [
    "error[E203]: unknown distribution 'Poison'",
    '  --> m.glmm:2:5',
    '  |',
    '2 | y ~ Poison(rate = r)',
    '  |     ^^^^^^',
    "hint: did you mean 'Poisson'?",
  ].join('\n');

  it.each([['\\n', '\n'], ['\\r\\n', '\r\n'], ['a lone \\r', '\r']])('quotes the line and places the caret with %s line ends', (_name, eol) => {
    const source = ['parameters { r ~ Gamma(2, 1) }', 'y ~ Poison(rate = r)', ''].join(eol);
    expect(renderDiagnostic(d, new Map([['m.glmm', source]]))).toBe(expected);
  });

  it('gives the place alone when the source is not at hand', () => {
    expect(renderDiagnostic(d)).toBe(["error[E203]: unknown distribution 'Poison'", '  --> m.glmm:2:5', "hint: did you mean 'Poisson'?"].join('\n'));
  });
});
