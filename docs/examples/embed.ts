// Glimmer inside a TypeScript program: the eight-schools model from a string, its data from a string,
// two engines, and the answers an app needs by name. No file system: the same code runs in a browser.
// Run it with `node --import tsx docs/examples/embed.ts` (the tests run it too: test/docs/embed.test.ts).
import { compile, infer, diagnosticsOf, GlimmerError, renderDiagnostic } from 'glimmer-ppl';

const source = `
data "schools.csv" {
  school: factor
  y: real
  sigma: positive
}
parameters {
  mu ~ Normal(0, 5)
  tau ~ HalfCauchy(5)
  theta_raw[school] ~ Normal(0, 1)
}
model {
  y ~ Normal(mu + tau * theta_raw[school], sigma)
}
generated {
  A_minus_C = tau * (theta_raw["A"] - theta_raw["C"])
}
`;

const csv = `school,y,sigma
A,28,15
B,8,10
C,-3,16
D,7,11
E,-1,9
F,1,11
G,18,10
H,12,18
`;

export interface EmbedReport {
  readonly lines: string[];
  readonly muMean: { readonly laplace: number; readonly nuts: number };
  readonly laplaceKhat: number;
  readonly probTauAbove5: number;
  readonly typoMessage: string;
}

export async function runExample(): Promise<EmbedReport> {
  const lines: string[] = [];
  const model = compile(source, { fileName: 'schools.glmm', data: csv });

  const quick = await infer(model, { engine: 'laplace', seed: 1 });
  const mcmc = await infer(model, { engine: 'nuts', seed: 1, settings: { chains: 4, warmup: 500, drawsPerChain: 500, adaptDelta: 0.95 } });
  for (const fit of [quick, mcmc]) {
    const mu = fit.summary('mu');
    lines.push(`${fit.engine}: mu = ${mu.mean.toFixed(2)} (sd ${mu.sd.toFixed(2)}), 95% interval ${mu.q2_5.toFixed(1)} to ${mu.q97_5.toFixed(1)}`);
    for (const w of fit.warnings) lines.push(`  warning: ${w.message}`);
  }

  // Any question about the posterior is a function of the draws.
  const tau = mcmc.draws('tau');
  const probTauAbove5 = tau.filter((t) => t > 5).length / tau.length;
  lines.push(`P(tau > 5) = ${probTauAbove5.toFixed(2)}; max R-hat ${diagnosticsOf(mcmc.diagnostics, 'mcmc').maxRhat.toFixed(3)}`);

  // A user's mistake is a GlimmerError with located diagnostics, ready to show.
  let typoMessage = '';
  try {
    compile(source.replace('HalfCauchy', 'HalfCauchi'), { fileName: 'schools.glmm', data: csv });
  } catch (e) {
    if (!(e instanceof GlimmerError)) throw e;
    typoMessage = e.diagnostics.map((d) => renderDiagnostic(d, new Map([['schools.glmm', source]]))).join('\n');
  }
  // Nested Laplace integrates theta_raw out and tau over a grid: no funnel to fall into. Its k-hat (of the
  // latent field given tau) is 0 here, since a Gaussian likelihood makes that conditional exactly Gaussian.
  // Diagnostics are typed by method: `kind` says which (here 'nested').
  const laplaceKhat = diagnosticsOf(quick.diagnostics, 'nested').khat;
  return { lines, muMean: { laplace: quick.summary('mu').mean, nuts: mcmc.summary('mu').mean }, laplaceKhat, probTauAbove5, typoMessage };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await runExample();
  console.log(report.lines.join('\n'));
  console.log(report.typoMessage);
}
