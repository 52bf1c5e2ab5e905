import { describe, expect, it } from 'vitest';
import { compile } from '../../src/api/compile.js';
import { inferFit } from '../../src/api/infer.js';
import { GlimmerError } from '../../src/core/errors.js';

const funnel = `data "d.csv" { k: factor }
parameters {
  v ~ Normal(0, 3)
  x[k] ~ Normal(0, exp(v / 2))
}`;
const data = `k\n${Array.from({ length: 9 }, (_, i) => `k${i}`).join('\n')}\n`;

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  return e instanceof GlimmerError ? e.diagnostics[0].code : undefined;
}

describe('--ml and --reml refuse what they cannot fit, before fitting', () => {
  it('a model without a likelihood (E414): it printed v = 0.000, its starting value, and log-likelihood 0', async () => {
    expect(await codeOf(inferFit(compile(funnel, { data, ml: true }), {}))).toBe('E414');
    expect(await codeOf(inferFit(compile(funnel, { data, ml: true, reml: true }), {}))).toBe('E414');
    // Without --ml the same model is a prior to sample.
    await expect(inferFit(compile(funnel, { data }), { engine: 'laplace', draws: 100 })).resolves.toBeDefined();
  });

  it('an engine other than laplace (E412)', async () => {
    const m = compile(`data "d.csv" { y: real }\nparameters { mu ~ Normal(0, 1) }\nmodel { y ~ Normal(mu, 1) }`, { data: 'y\n1\n2\n', ml: true });
    expect(await codeOf(inferFit(m, { engine: 'nuts' }))).toBe('E412');
  });
});
