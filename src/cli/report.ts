import type { Fit, PsisFigures } from '../api/infer.js';
import type { Model } from '../api/compile.js';
import { describeModel, type ModelDescription } from '../api/describe.js';

/** What `ppl check` prints: the data, the parameters with sizes and constraints, the likelihood terms. */
export function describeCheck(m: Model): string {
  const d = describeModel(m);
  const lines = [`${d.file}: ok`, `data: ${d.dataFile || '(none)'}, ${d.rows} rows`, `parameters (${d.dim} scalars):`];
  const w = Math.max(...d.parameters.map((p) => p.name.length));
  for (const p of d.parameters) {
    const shape = p.factor ? `[${p.factor.split('|')[0]}] ${p.size} levels${p.reference !== undefined ? ` (reference ${JSON.stringify(p.reference)} at 0)` : ''}` : 'scalar';
    const latent = p.randomEffects ? ', random effects' : '';
    lines.push(`  ${p.name.padEnd(w)}  ${shape}, ${p.constraint}${latent} ~ ${p.prior}`);
  }
  for (const l of d.likelihoods) lines.push(`likelihood: ${l.column} ~ ${l.family}, ${d.rows} rows`);
  const r = d.reduction;
  lines.push(r.path === 'reduced'
    ? `path: reduced to ${r.cells} cells of (${r.factors.join(', ')}), ${r.cells} likelihood terms instead of ${r.rows}`
    : `path: row-wise, ${r.rows} likelihood terms (${r.reason})`);
  if (d.generated.length > 0) lines.push(`generated: ${d.generated.join(', ')}`);
  lines.push(...describeLatent(d));
  return lines.join('\n');
}

/** The latent Gaussian field the engines integrate out: random-effect blocks, linear fixed effects, hyperparameters. */
function describeLatent(d: ModelDescription): string[] {
  const f = d.field;
  if (f.random.length === 0 && f.linear.length === 0) return ['latent Gaussian field: none (every parameter is a hyperparameter)'];
  const lines = ['latent Gaussian field (integrated out by nested Laplace; --ml integrates the random effects only):'];
  for (const b of f.random) {
    lines.push(`  random effects ${b.name}: ${b.kind}, ${b.factor ? `${b.size} levels of ${b.factor}` : `${b.size} value${b.size > 1 ? 's' : ''}`}` +
      `${b.scales.length > 0 ? `, scale ${b.scales.join(', ')}` : ''}`);
  }
  if (f.linear.length > 0) lines.push(`  fixed effects: ${f.linear.join(', ')}`);
  lines.push(`hyperparameters: ${f.hyper.length > 0 ? f.hyper.join(', ') : 'none'}`);
  return lines;
}

const fmt = (v: number | string | boolean): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : String(v));

/** The diagnostics block under the summary table: one line per figure the method reports, by its kind. */
export function describeDiagnostics(fit: Fit): string {
  const d = fit.diagnostics;
  const lines: string[] = [];
  switch (d.kind) {
    case 'mcmc':
      lines.push(`${fmt(d.chains)} chains x ${fmt(d.drawsPerChain)} draws (${fmt(d.warmup)} warm-up): max R-hat ${fmt(d.maxRhat)}, min bulk ESS ${fmt(Math.round(d.minEssBulk))}, ` +
        `min tail ESS ${fmt(Math.round(d.minEssTail))}, ${fmt(d.divergences)} divergences, ${fmt(d.treeDepthHits)} max-depth hits, min E-BFMI ${fmt(d.ebfmiMin)}`);
      break;
    case 'ml': {
      const reml = d.criterion === 'REML';
      // As lme4 prints it: "REML criterion at convergence" is -2 times the restricted log-likelihood.
      const head = reml ? `REML criterion at convergence ${(-2 * d.logLik).toFixed(2)} (restricted log-likelihood ${d.logLik.toFixed(2)})` : `log-likelihood ${d.logLik.toFixed(2)}`;
      // Without random effects (and, under REML, fixed effects) to integrate out, the number is exact.
      lines.push(d.latentDim === 0
        ? `${head} (exact: the model has no random effects; standard errors from the likelihood's Hessian)`
        : `${head} (Laplace approximation over the random effects${reml ? ' and fixed effects' : ''}; ` +
          "standard errors from the marginal's Hessian, conditional sds for the random effects)");
      break;
    }
    case 'nested':
      if (d.hyperDim > 0) lines.push(`nested Laplace: ${fmt(d.latentDim)} latent coordinates integrated out, ${fmt(d.hyperDim)} hyperparameters over ${fmt(d.gridPoints)} grid points`);
      lines.push(khatLine(d, d.hyperDim > 0 ? ' of the latent field given the hyperparameters at their mode' : '', d.psisDraws));
      break;
    case 'laplace-joint':
    case 'vi':
      lines.push(khatLine(d, '', d.nDraws));
      break;
  }
  const drawn = fit.draws.length > 0 ? `${fit.draws.length} draws` : 'no draws (estimates; --draws N for draws)';
  lines.push(`seed ${fit.settings.seed}, ${drawn}, backend ${fit.settings.backend} (${fit.settings.backendChoice}), ${(fit.timings.totalMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}

/** k-hat with its verdict and PSIS's effective sample size of S draws. */
function khatLine(d: PsisFigures, what: string, S: number): string {
  const flat = d.psisEss >= 0.9 * S ? ': the importance weights are near uniform, so the Gaussian is accurate and k-hat\'s tail fit means little' : '';
  return `Pareto k-hat${what} ${fmt(d.khat)} (${khatVerdict(d.khat, d.khatThreshold)}); PSIS effective sample size ${fmt(Math.round(d.psisEss))} of ${fmt(S)} draws${flat}`;
}

/**
 * k-hat on the one scale docs/engines.md and the warnings use: good at or below 0.5, usable but imperfect
 * up to the threshold (min(1 - 1/log10 S, 0.7)), unreliable above it.
 */
export function khatVerdict(khat: number, threshold: number): string {
  const t = threshold.toFixed(2);
  if (khat <= 0.5) return `good: at most 0.5; usable up to ${t}`;
  if (khat <= threshold) return `usable but imperfect: between 0.5 and ${t}`;
  return `unreliable: above ${t}`;
}
