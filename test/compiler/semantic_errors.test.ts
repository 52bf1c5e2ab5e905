import { describe, expect, it } from 'vitest';
import { GlimmerError } from '../../src/core/errors.js';
import { renderDiagnostic } from '../../src/core/render_error.js';
import { compileText } from '../helpers.js';

const csv = 'y,n,x,g,h\n1,3,0.5,a,p\n0,2,-1.2,b,q\n2,4,0.3,a,q\n';

/** [what is wrong, model source, every diagnostic exactly as `ppl` prints it]. */
const cases: [string, string, string][] = [
  ["misspelled distribution",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poison(log_rate = b) }",
    "error[E203]: unknown distribution 'Poison'\n  --> test.glmm:3:13\n  |\n3 | model { y ~ Poison(log_rate = b) }\n  |             ^^^^^^\nhint: did you mean 'Poisson'?"],
  ["misspelled argument name",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rat = b) }",
    "error[E204]: Poisson has no argument 'log_rat'\n  --> test.glmm:3:21\n  |\n3 | model { y ~ Poisson(log_rat = b) }\n  |                     ^^^^^^^\nhint: did you mean 'log_rate'?"],
  ["unknown name",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = bb) }",
    "error[E201]: unknown name 'bb'\n  --> test.glmm:3:32\n  |\n3 | model { y ~ Poisson(log_rate = bb) }\n  |                                ^^\nhint: did you mean 'b'?"],
  ["vector without index",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E205]: 'b' is a vector over 'g'; index it\n  --> test.glmm:3:32\n  |\n3 | model { y ~ Poisson(log_rate = b) }\n  |                                ^\nhint: write b[g] for one value per row, or b[\"a\"] for one level"],
  ["indexed by the wrong factor",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[h]) }",
    "error[E205]: 'b' is declared over 'g', not 'h'\n  --> test.glmm:3:34\n  |\n3 | model { y ~ Poisson(log_rate = b[h]) }\n  |                                  ^\nhint: write b[g]"],
  ["unknown level label",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[g]) }\ngenerated { d = b[\"c\"] - b[\"a\"] }",
    "error[E206]: 'c' is not a level of 'g'\n  --> test.glmm:4:19\n  |\n4 | generated { d = b[\"c\"] - b[\"a\"] }\n  |                   ^^^\nhint: levels: \"a\", \"b\""],
  ["scale not provably positive",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { m ~ Normal(0, 1)  b ~ Normal(0, m) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E209]: 'sigma' of Normal must be positive\n  --> test.glmm:2:46\n  |\n2 | parameters { m ~ Normal(0, 1)  b ~ Normal(0, m) }\n  |                                              ^\nhint: use a positive parameter (declare it 'positive' or give it a positive prior) or exp(...)"],
  ["negative constant scale",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, -1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E209]: 'sigma' of Normal must be positive, got -1\n  --> test.glmm:2:28\n  |\n2 | parameters { b ~ Normal(0, -1) }\n  |                            ^^"],
  ["truncation with parameter-dependent prior",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { s: positive ~ Normal(0, 1)  u: positive ~ Normal(0, s) }\nmodel { y ~ Poisson(log_rate = u) }",
    "error[E208]: truncating Normal to positive needs a normalising constant that depends on parameters\n  --> test.glmm:2:56\n  |\n2 | parameters { s: positive ~ Normal(0, 1)  u: positive ~ Normal(0, s) }\n  |                                                        ^^^^^^^^^^^^\nhint: use a prior whose support matches the constraint (e.g. HalfNormal for a positive scale)"],
  ["constraint outside the prior support",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { s: upper(-1) ~ HalfNormal(1) }\nmodel { y ~ Poisson(log_rate = s) }",
    "error[E208]: 's' is upper(-1) but HalfNormal is defined on positive\n  --> test.glmm:2:29\n  |\n2 | parameters { s: upper(-1) ~ HalfNormal(1) }\n  |                             ^^^^^^^^^^\nhint: declare 's: positive' or choose a prior defined where 's' lives"],
  ["discrete prior",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Poisson(1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E210]: Poisson is a distribution of counts; 'b' is continuous\n  --> test.glmm:2:18\n  |\n2 | parameters { b ~ Poisson(1) }\n  |                  ^^^^^^^\nhint: parameters take continuous priors such as Normal, HalfNormal or Gamma"],
  ["count likelihood on a real column",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { x ~ Poisson(log_rate = b) }",
    "error[E210]: Poisson needs counts but 'x' is declared 'real'\n  --> test.glmm:3:13\n  |\n3 | model { x ~ Poisson(log_rate = b) }\n  |             ^^^^^^^\nhint: declare 'x: count' in the data block"],
  ["data in a prior",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(x, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E205]: data column 'x' cannot be used in a prior\n  --> test.glmm:2:25\n  |\n2 | parameters { b ~ Normal(x, 1) }\n  |                         ^\nhint: priors take numbers and parameters"],
  ["a named argument to a function",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b + log(x = 2)) }",
    "error[E204]: 'log' takes no named arguments\n  --> test.glmm:3:40\n  |\n3 | model { y ~ Poisson(log_rate = b + log(x = 2)) }\n  |                                        ^\nhint: write log(...)"],
  ["too many arguments",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1, 2) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E204]: Normal takes 2 arguments, got 3\n  --> test.glmm:2:18\n  |\n2 | parameters { b ~ Normal(0, 1, 2) }\n  |                  ^^^^^^^^^^^^^^^\nhint: write Normal(mu, sigma)"],
  ["unknown function",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = logg(b)) }",
    "error[E202]: unknown function 'logg'\n  --> test.glmm:3:32\n  |\n3 | model { y ~ Poisson(log_rate = logg(b)) }\n  |                                ^^^^\nhint: did you mean 'log'?"],
  ["unknown factor (no cascade)",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b[gg] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E213]: unknown factor 'gg'\n  --> test.glmm:2:16\n  |\n2 | parameters { b[gg] ~ Normal(0, 1) }\n  |                ^^\nhint: did you mean 'g'?"],
  ["misspelled constraint (no cascade)",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b: positve ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E208]: unknown constraint 'positve'\n  --> test.glmm:2:17\n  |\n2 | parameters { b: positve ~ Normal(0, 1) }\n  |                 ^^^^^^^\nhint: did you mean 'positive'?"],
  ["trials must be data",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = b, logit = b) }",
    "error[E209]: 'trials' of Binomial must be a non-negative count\n  --> test.glmm:3:31\n  |\n3 | model { y ~ Binomial(trials = b, logit = b) }\n  |                               ^\nhint: use a count column"],
  ["duplicate parameter",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1)  b ~ Normal(0, 2) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E207]: 'b' is declared twice\n  --> test.glmm:2:32\n  |\n2 | parameters { b ~ Normal(0, 1)  b ~ Normal(0, 2) }\n  |                                ^\nhint: choose another name"],
  ["factor used as a value",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = g) }",
    "error[E205]: 'g' is a factor; it can only index a parameter\n  --> test.glmm:3:32\n  |\n3 | model { y ~ Poisson(log_rate = g) }\n  |                                ^\nhint: e.g. beta[g]"],
  ["successes above trials (data)",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Binomial(trials = 1, logit = b) }",
    "error[E310]: column 'y' row 3 (line 4 of test.csv): 2 successes out of 1 trials\n  --> test.glmm:3:13\n  |\n3 | model { y ~ Binomial(trials = 1, logit = b) }\n  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"],
  ["unknown column type",
    "data { y: count  n: count  x: reel  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E211]: unknown column type 'reel'\n  --> test.glmm:1:31\n  |\n1 | data { y: count  n: count  x: reel  g: factor  h: factor }\n  |                               ^^^^\nhint: did you mean 'real'?"],
  ["positional after named",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(mu = 0, 1) }\nmodel { y ~ Poisson(log_rate = b) }",
    "error[E204]: a positional argument cannot follow a named one\n  --> test.glmm:2:33\n  |\n2 | parameters { b ~ Normal(mu = 0, 1) }\n  |                                 ^"],
  ["mixed parameterisations",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b, rate = exp(b)) }",
    "error[E204]: these arguments do not match Poisson\n  --> test.glmm:3:13\n  |\n3 | model { y ~ Poisson(log_rate = b, rate = exp(b)) }\n  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\nhint: write Poisson(log_rate) or Poisson(rate)"],
  ["definition shadows a column",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { x = b\n y ~ Poisson(log_rate = x) }",
    "error[E207]: 'x' is a data column\n  --> test.glmm:3:9\n  |\n3 | model { x = b\n  |         ^\nhint: choose another name"],
  ["self-referencing prior",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { s ~ HalfNormal(s) }\nmodel { y ~ Poisson(log_rate = s) }",
    "error[E205]: the prior of 's' refers to 's' itself\n  --> test.glmm:2:18\n  |\n2 | parameters { s ~ HalfNormal(s) }\n  |                  ^^^^^^^^^^^^^"],
  ["modelling a factor",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel { g ~ Poisson(log_rate = b) }",
    "error[E210]: 'g' is a factor and cannot be modelled\n  --> test.glmm:3:9\n  |\n3 | model { g ~ Poisson(log_rate = b) }\n  |         ^"],
  // Definitions are inlined: each doubling link doubles the expression the emitters walk (found by the fuzzer's limits).
  ["definitions that double in size, inlined",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel {\n  a0 = b\n" +
      Array.from({ length: 17 }, (_, i) => `  a${i + 1} = a${i} + a${i}\n`).join('') + "  y ~ Poisson(log_rate = a17)\n}",
    "error[E214]: expression of more than 100000 operations once definitions are inlined\n  --> test.glmm:20:9\n   |\n20 |   a16 = a15 + a15\n   |         ^^^^^^^^^\nhint: definitions are copied into every expression that uses them: simplify them"],
  ["a chain of 1000 definitions, inlined",
    "data { y: count  n: count  x: real  g: factor  h: factor }\nparameters { b ~ Normal(0, 1) }\nmodel {\n  a0 = b\n" +
      Array.from({ length: 1000 }, (_, i) => `  a${i + 1} = a${i} + 1\n`).join('') + "  y ~ Poisson(log_rate = a1000)\n}",
    "error[E214]: expression nested more than 1000 operations deep once definitions are inlined\n  --> test.glmm:1004:11\n     |\n1004 |   a1000 = a999 + 1\n     |           ^^^^^^^^\nhint: definitions are copied into every expression that uses them: simplify them"],
];

describe('semantic errors: located messages with hints', () => {
  it.each(cases)('%s', (_name, source, expected) => {
    let caught: unknown;
    try {
      compileText(source, csv);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GlimmerError);
    const text = (caught as GlimmerError).diagnostics.map((d) => renderDiagnostic(d, new Map([['test.glmm', source]]))).join('\n\n');
    expect(text).toBe(expected);
  });
});
