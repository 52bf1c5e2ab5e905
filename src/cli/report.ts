import type { Fit } from '../api/infer.js';
import type { Model } from '../api/compile.js';
import { priorOf } from './priors.js';

/** What `ppl check` prints: the data, the parameters with sizes and constraints, the likelihood terms. */
export function describeCheck(m: Model): string {
  const lines = [`${m.file}: ok`, `data: ${m.ir.data.file || '(none)'}, ${m.nRows} rows`, `parameters (${m.ir.dim} scalars):`];
  const w = Math.max(...m.params.map((p) => p.name.length));
  m.params.forEach((p, i) => {
    const shape = p.factor ? `[${p.factor.split('|')[0]}] ${p.size} levels` : 'scalar';
    const latent = m.ir.params[i].latent ? ', random effects' : '';
    lines.push(`  ${p.name.padEnd(w)}  ${shape}, ${p.constraint}${latent} ~ ${priorOf(m.ir, i)}`);
  });
  for (const l of m.rowwiseIr.likelihoods) lines.push(`likelihood: ${l.column} ~ ${l.dist.name}, ${m.nRows} rows`);
  const r = m.reduction;
  lines.push(r.path === 'reduced'
    ? `path: reduced to ${r.cells} cells of (${r.factors.join(', ')}), ${r.cells} likelihood terms instead of ${r.rows}`
    : `path: row-wise, ${r.rows} likelihood terms (${r.reason})`);
  if (m.ir.generated.length > 0) lines.push(`generated: ${m.ir.generated.map((g) => g.name).join(', ')}`);
  return lines.join('\n');
}

const fmt = (v: number | string | boolean): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : String(v));

/** The diagnostics block under the summary table. */
export function describeDiagnostics(fit: Fit): string {
  const d = fit.diagnostics;
  const lines: string[] = [];
  if (typeof d.divergences === 'number') {
    lines.push(`${fmt(d.chains)} chains x ${fmt(d.drawsPerChain)} draws (${fmt(d.warmup)} warm-up): max R-hat ${fmt(d.maxRhat)}, min bulk ESS ${fmt(Math.round(Number(d.minEssBulk)))}, ` +
      `min tail ESS ${fmt(Math.round(Number(d.minEssTail)))}, ${fmt(d.divergences)} divergences, ${fmt(d.treeDepthHits)} max-depth hits, min E-BFMI ${fmt(d.ebfmiMin)}`);
  }
  if (typeof d.logLik === 'number') {
    lines.push(`log-likelihood ${d.logLik.toFixed(2)} (Laplace approximation over the random effects; standard errors from the marginal's Hessian)`);
  }
  if (typeof d.khat === 'number') {
    lines.push(`Pareto k-hat ${fmt(d.khat)} (good below ${fmt(d.khatThreshold)}); PSIS effective sample size ${fmt(d.psisEss)} of ${fmt(d.nDraws)} draws`);
  }
  lines.push(`seed ${fit.settings.seed}, ${fit.draws.length} draws, backend ${fit.settings.backend} (${fit.settings.backendChoice}), ${(fit.timings.totalMs / 1000).toFixed(2)} s`);
  return lines.join('\n');
}
