import type { PsisResult } from '../../diagnostics/psis.js';
import type { FamilyKind } from './family.js';
import type { OptimizeResult } from './optimize.js';
import type { ViSettings } from './settings.js';

const pct = (x: number): string => `${Math.round(100 * x)}%`;

/**
 * k-hat of log p - log q (Yao et al. 2018): above the threshold the Gaussian misses mass in the posterior's
 * tails, so sds and intervals are too narrow and PSIS cannot repair it; the means may still be usable.
 */
export function khatWarning(kind: FamilyKind, r: PsisResult, reweighted: boolean): string[] {
  const name = kind === 'meanfield' ? 'mean-field' : 'full-rank';
  // Enough digits that "0.705 > 0.700" does not print as "0.70 > 0.70".
  const digits = r.khat.toFixed(2) === r.threshold.toFixed(2) ? 3 : 2;
  if (r.khat > r.threshold) {
    const instead = kind === 'meanfield' ? '--engine fullrank or --engine nuts' : '--engine nuts';
    return [`Pareto k-hat = ${r.khat.toFixed(digits)} > ${r.threshold.toFixed(digits)}: the ${name} Gaussian misses part of the posterior ` +
      `(Yao et al. 2018), so its sds and intervals are likely too narrow and PSIS reweighting is unreliable. ` +
      `Use ${instead} for them, or trust only the means.`];
  }
  if (r.khat > 0.5) return [`Pareto k-hat = ${r.khat.toFixed(2)}: the ${name} Gaussian is usable but imperfect${reweighted ? '' : '; --psis corrects it'}`];
  return [];
}

/**
 * Mean-field's known bias: q ignores posterior correlations, and the reverse-KL optimum then has the
 * conditional sds 1/sqrt(P_ii), below the marginal ones wherever parameters are correlated. Always stated;
 * with the Laplace fit at hand, with numbers.
 */
export function meanFieldWarning(sd: Float64Array, laplaceSd: Float64Array | null, names: readonly string[]): string {
  const base = 'mean-field VI ignores correlations between parameters and underestimates posterior sds';
  if (!laplaceSd) return `${base}; compare with --engine fullrank before trusting sds or intervals`;
  const ratio = Array.from(sd, (s, i) => s / laplaceSd[i]);
  const short = ratio.filter((r) => r < 0.7).length;
  const worst = ratio.indexOf(Math.min(...ratio));
  return `${base}: ${short} of ${sd.length} sds are more than 30% below the Laplace approximation's ` +
    `(worst ${names[worst]}, ${pct(1 - ratio[worst])} below); use --engine fullrank or nuts for sds and intervals, or trust only the means`;
}

/** What the optimizer's own record says about the answer's stability. */
export function optimizerWarnings(o: OptimizeResult, s: ViSettings, totalDraws: number): string[] {
  const w: string[] = [];
  if (o.stopReason === 'max-steps') {
    w.push(`VI reached its step limit (${s.steps}) before the averaged answer settled (MCSE ${o.mcseMean.toFixed(3)} posterior sd, ` +
      `${o.mcseLogSd.toFixed(3)} in log sd; target ${s.tol}): raise --steps, or check the spread with --runs`);
  }
  if (o.stillRising) {
    const [a, b] = [o.windows[o.windows.length - 4], o.windows[o.windows.length - 1]];
    w.push(`the ELBO was still rising when the ${s.steps} steps ran out (${a.elbo.toFixed(1)} at step ${a.step}, ${b.elbo.toFixed(1)} at step ${b.step}): ` +
      `the optimizer had not converged; raise --steps, or use the default recipe (start at the mode)`);
  }
  if (!s.average) {
    const unit = s.init === 'mode' ? 'posterior sds (Laplace)' : "of q's own sds";
    w.push(`no iterate averaging: the answer is the last iterate of a noisy optimizer, whose means still moved by up to ` +
      `${o.iterateSd.toFixed(2)} ${unit} over its last ${Math.min(500, o.steps)} steps; expect other seeds to give other answers (check with --runs)`);
  }
  if (o.dropped > 0.01 * totalDraws) {
    w.push(`${o.dropped} of ${totalDraws} Monte Carlo draws had a non-finite log density and were dropped: the optimizer may have wandered into overflow`);
  }
  return w;
}
