import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/api/compile.js';
import { inferFit } from '../../../src/api/infer.js';
import { diagnosticsOf } from '../../../src/engines/diagnostics.js';
import { messages } from '../../../src/core/warning.js';

/*
 * A rank-deficient fixed-effect design (a factor repeating another under new labels, a constant covariate
 * beside the intercept, an interaction cell without rows) under --ml and --reml: lme4 drops the aliased
 * columns and fits the rest. Here they were estimated with made-up SEs and a "boundary" warning naming the
 * wrong coefficient (ML), or REML stopped with E501. Against lme4 (fixtures/lme4_rank_deficient.R): the
 * same column dropped (held at 0, no SE, a warning naming it), the rest to 0.02 SE and 2%, logLik to 0.05.
 */
const dir = new URL('./fixtures/', import.meta.url);
const data = readFileSync(new URL('rank_deficient.csv', dir), 'utf8');
const refs = JSON.parse(readFileSync(new URL('lme4_rank_deficient.json', dir), 'utf8'));
const head = 'data "data.csv" { g: factor  x: real  f: factor  h: factor  f2: factor  h2: factor  const: real  yg: real  yc: count }';
const CASES = [
  { name: 'const', model: 'yg ~ gaussian(1 + x + const + (1 | g))', dropped: 'const', equals: "1.5 '(Intercept)'" },
  { name: 'repeated', model: 'yg ~ gaussian(1 + x + h + f2 + (1 | g))', dropped: 'f2Q', equals: "'hq'" },
  { name: 'empty_cell', model: 'yg ~ gaussian(1 + f * h2 + (1 | g))', dropped: 'fmid:h2q', equals: "'h2q' - 'flo:h2q'" },
  { name: 'repeated_poisson', model: 'yc ~ poisson(1 + x + h + f2 + (1 | g))', dropped: 'f2Q', equals: "'hq'" },
];
const MODES = [['ml', { ml: true }], ['reml', { ml: true, reml: true }]] as const;

describe.each(CASES)('a rank-deficient design ($name) under ML and REML, as lme4 fits it', (c) => {
  it.each(MODES.filter(([mode]) => refs[c.name][mode]))('%s', async (mode, flags) => {
    const ref = refs[c.name][mode] as { fixed: Record<string, { est: number; se: number }>; logLik: number };
    const fit = await inferFit(compile(`${head}\nmodel { ${c.model} }`, { data, ...flags }), { engine: 'laplace' });
    for (const [name, f] of Object.entries(ref.fixed)) {
      const row = fit.summary.find((r) => r.name === name)!;
      expect(Math.abs(row.mean - f.est) / f.se, name).toBeLessThan(0.02);
      expect(Math.abs(row.sd / f.se - 1), name).toBeLessThan(0.02);
    }
    const dropped = fit.summary.find((r) => r.name === c.dropped)!;
    expect(dropped.mean).toBe(0);
    expect(dropped.sd).toBeNaN();
    expect(messages(fit.warnings)).toEqual([expect.stringContaining(`rank deficient, so 1 coefficient is dropped (held at 0, no SE), as lme4 drops it: '${c.dropped}' (its column equals ${c.equals})`)]);
    // Under REML the restricted log-likelihood, as R's logLik() of a REML fit.
    const logLik = diagnosticsOf(fit.diagnostics, 'ml').logLik;
    expect(Math.abs(logLik - ref.logLik)).toBeLessThan(0.05);
  });
});

it.each(['laplace', 'fullrank', 'nuts'] as const)('the posterior (%s) keeps every coefficient (the priors identify them) and says that only the priors separate them', async (engine) => {
  const m = compile(`${head}\nmodel { yg ~ gaussian(1 + x + h + f2 + (1 | g)) }`, { data });
  const fit = await inferFit(m, { engine, ...(engine === 'nuts' ? { draws: 800 } : {}) });
  expect(messages(fit.warnings).filter((w) => w.includes('rank deficient'))).toEqual([
    expect.stringMatching(/^the fixed-effect model matrix is rank deficient: 'f2Q' \(its column equals 'hq'\)\. The data cannot tell this coefficient from the columns it equals, so only the priors separate them/),
  ]);
  expect(fit.summary.find((r) => r.name === 'f2Q')!.sd).toBeGreaterThan(1);
}, 120_000);
