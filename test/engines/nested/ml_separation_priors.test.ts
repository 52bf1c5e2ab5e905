import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { InferenceError } from '../../../src/core/errors.js';
import { ROOT } from '../../helpers.js';

// Maximum likelihood has no priors, so the prior a coefficient was written with cannot change what --ml
// finds. With Normal priors complete separation stopped with E507; with Cauchy or Student-t priors the
// coefficient was not a fixed effect of the field, the separation check never looked at it, and --ml
// printed x = 27.5 (SE 1389) with log-likelihood -0.00 and exit 0 (found by a sweep of unseen models).
const data = readFileSync(`${ROOT}test/battery/separation/data.csv`, 'utf8');

describe('--ml reports complete separation whatever prior the coefficients were written with', () => {
  it.each(['Normal(0, 10)', 'Cauchy(0, 2.5)', 'StudentT(3, 0, 2.5)'])('b_x ~ %s', async (prior) => {
    const source = `data "d.csv" { y: binary  x: real }\nparameters { b_Intercept ~ Normal(0, 10)  b_x ~ ${prior} }\nmodel { y ~ bernoulli(1 + x) }`;
    const m = compile(source, { data, ml: true });
    expect(m.ir.params.find((p) => p.name === 'b_x')!.linear).toBe(true);
    const err = await inferFit(m, { engine: 'laplace' }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InferenceError);
    expect((err as InferenceError).code).toBe('E507');
    expect((err as InferenceError).message).toContain("'x'");
  });
});
