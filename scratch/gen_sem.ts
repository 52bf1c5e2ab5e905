import { compileText } from '../test/helpers.ts';
import { GlimmerError } from '../src/core/errors.ts';
import { renderDiagnostic } from '../src/core/render_error.ts';
const csv = 'y,n,x,g,h\n1,3,0.5,a,p\n0,2,-1.2,b,q\n2,4,0.3,a,q\n';
const head = 'data { y: count  n: count  x: real  g: factor  h: factor }\n';
const cases: [string, string][] = [
 ['misspelled distribution', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poison(log_rate = b) }'],
 ['misspelled argument name', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rat = b) }'],
 ['unknown name', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = bb) }'],
 ['vector without index', 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['indexed by the wrong factor', 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[h]) }'],
 ['unknown level label', 'parameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[g]) }\ngenerated { d = b["c"] - b["a"] }'],
 ['scale not provably positive', 'parameters { m ~ Normal(0, 1)  b ~ Normal(0, m) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['negative constant scale', 'parameters { b ~ Normal(0, -1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['truncation with parameter-dependent prior', 'parameters { s: positive ~ Normal(0, 1)  u: positive ~ Normal(0, s) }\nmodel { y ~ Poisson(log_rate = u) }'],
 ['constraint outside the prior support', 'parameters { s: lower(-1) ~ HalfNormal(1) }\nmodel { y ~ Poisson(log_rate = s) }'],
 ['discrete prior', 'parameters { b ~ Poisson(1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['count likelihood on a real column', 'parameters { b ~ Normal(0, 1) }\nmodel { x ~ Poisson(log_rate = b) }'],
 ['data in generated', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b * x) }\ngenerated { z = b * x }'],
 ['too many arguments', 'parameters { b ~ Normal(0, 1, 2) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['unknown function', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = logg(b)) }'],
 ['unknown factor (no cascade)', 'parameters { b[gg] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['misspelled constraint (no cascade)', 'parameters { b: positve ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['trials must be data', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = b, logit = b) }'],
 ['duplicate parameter', 'parameters { b ~ Normal(0, 1)  b ~ Normal(0, 2) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['factor used as a value', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = g) }'],
 ['successes above trials (data)', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = 1, logit = b) }'],
 ['unknown column type', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }'.replace('', '')],
 ['positional after named', 'parameters { b ~ Normal(mu = 0, 1) }\nmodel { y ~ Poisson(log_rate = b) }'],
 ['mixed parameterisations', 'parameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b, rate = exp(b)) }'],
 ['definition shadows a column', 'parameters { b ~ Normal(0, 1) }\nmodel { x = b\n y ~ Poisson(log_rate = x) }'],
 ['self-referencing prior', 'parameters { s ~ HalfNormal(s) }\nmodel { y ~ Poisson(log_rate = s) }'],
 ['modelling a factor', 'parameters { b ~ Normal(0, 1) }\nmodel { g ~ Poisson(log_rate = b) }'],
];
const out: string[] = [];
for (const [name, body] of cases) {
  let src = head + body;
  if (name === 'unknown column type') src = src.replace('x: real', 'x: reel');
  try { compileText(src, csv); console.error('NO ERROR for', name); }
  catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    out.push(`  [${JSON.stringify(name)},\n    ${JSON.stringify(src)},\n    ${JSON.stringify(e.diagnostics.map(d => renderDiagnostic(d, new Map([['test.glmm', src]]))).join('\n\n'))}],`);
  }
}
console.log(out.join('\n'));
