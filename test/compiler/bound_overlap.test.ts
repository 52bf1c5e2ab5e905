import { describe, expect, it } from 'vitest';
import { inferFit } from '../../src/api/infer.js';
import { compileText } from '../helpers.js';

// A declared bound wider than the prior's support (Stan accepts it: the density is 0 outside) is fitted on
// the part where both allow it, with a note; the posterior is that of the narrower declaration.
describe('a bound wider than the prior allows', () => {
  const csv = ['y', ...Array.from({ length: 30 }, (_, i) => ((i * 7) % 11) / 4 - 1)].join('\n');
  const wide = compileText('data { y: real }\nparameters { mu ~ Normal(0, 5)  s: bounded(-1, 10) ~ HalfNormal(2) }\nmodel { y ~ Normal(mu, s) }', csv);
  const narrow = compileText('data { y: real }\nparameters { mu ~ Normal(0, 5)  s: bounded(0, 10) ~ HalfNormal(2) }\nmodel { y ~ Normal(mu, s) }', csv);
  it('is a note, not an error, saying where the parameter is fitted', () => {
    expect(wide.notes).toEqual(["'s' is declared bounded(-1, 10) but its prior HalfNormal is defined on positive: it is fitted on bounded(0, 10), " +
      'where both allow it (the posterior is the same)']);
    expect(narrow.notes).toEqual([]);
    expect(wide.params.find((p) => p.name === 's')!.constraint).toBe('bounded(0, 10)');
  });
  it('gives the posterior of the declaration on the overlap', async () => {
    const [a, b] = await Promise.all([wide, narrow].map((m) => inferFit(m, { engine: 'laplace', seed: 3, draws: 500 })));
    expect(a.summary).toEqual(b.summary);
  });
});
