import { compileText } from '../test/helpers.ts';
import { GlimmerError } from '../src/core/errors.ts';
import { renderDiagnostic } from '../src/core/render_error.ts';
const csv = 'y,n,x,g,h\n1,3,0.5,a,p\n0,2,-1.2,b,q\n2,4,0.3,a,q\n';
const head = 'data { y: count  n: count  x: real  g: factor  h: factor }\n';
const cases: string[] = [
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poison(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rat = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = bb) }',
 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[h]) }',
 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[g]) }\ngenerated { d = b["c"] - b["a"] }',
 'parameters { b ~ Normal(0, 1)  s ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }\nparameters2',
 'parameters { m ~ Normal(0, 1)  b ~ Normal(0, m) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, -1) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { s: positive ~ Normal(0, 1)  u: positive ~ Normal(0, s) }\nmodel { y ~ Poisson(log_rate = u) }',
 'parameters { s: lower(-1) ~ HalfNormal(1) }\nmodel { y ~ Poisson(log_rate = s) }',
 'parameters { b ~ Poisson(1) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { x ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b * x) }\ngenerated { z = b * x }',
 'parameters { b ~ Normal(0, 1, 2) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = logg(b)) }',
 'parameters { b[gg] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b: positve ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = b, logit = b) }',
 'parameters { b ~ Normal(0, 1)  b ~ Normal(0, 2) }\nmodel { y ~ Poisson(log_rate = b) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = g) }',
 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = 1, logit = b) }',
];
for (const body of cases) {
  const src = head + body;
  try { compileText(src, csv); console.log('NO ERROR for', body); }
  catch (e) { if (e instanceof GlimmerError) console.log(e.diagnostics.map(d => renderDiagnostic(d, new Map([['test.glmm', src]]))).join('\n'), '\n---'); else console.log('THROWN', e); }
}
try { compileText('data { y: cont }\nparameters { b ~ Normal(0,1) }\nmodel { }', csv) } catch (e) { console.log((e as GlimmerError).diagnostics) }
