import type { Fit } from '../api/infer.js';
import type { PlotSpec } from './common.js';
import { densitySpec } from './density.js';
import { elboSpec } from './elbo.js';
import { forestRows, forestSpec } from './forest.js';
import { MCMC_MAX_PANELS, rankSpec, traceSpec } from './mcmc.js';

/**
 * The quantities shown in trace and rank plots: all of them when few, else the MCMC_MAX_PANELS with
 * the largest R-hat (the ones worth looking at), in their original order.
 */
export function worstMixing(fit: Pick<Fit, 'summary'>, max = MCMC_MAX_PANELS): { parameters: string[]; note: string } {
  const names = fit.summary.map((r) => r.name);
  if (names.length <= max) return { parameters: names, note: '' };
  const worst = new Set([...fit.summary].sort((a, b) => (b.rhat ?? 0) - (a.rhat ?? 0)).slice(0, max).map((r) => r.name));
  return { parameters: names.filter((n) => worst.has(n)), note: ` (the ${max} of ${names.length} quantities with the largest R-hat)` };
}

/**
 * The plots of one fit, by file base name: the forest plot and marginal densities always; trace and rank
 * plots for MCMC draws in chains; the ELBO trace for VI.
 */
export function fitPlots(fit: Fit): Record<string, PlotSpec> {
  const runs = fit.runs ?? [];
  const label = (k: number): string => (runs.length > 1 ? `${fit.engine} seed ${runs[k].seed}` : fit.engine);
  const forest = runs.length > 1
    ? runs.flatMap((r, k) => forestRows(label(k), fit.engine, r.summary))
    : forestRows(fit.engine, fit.engine, fit.summary);
  const plots: Record<string, PlotSpec> = {
    forest: forestSpec(forest, `${fit.engine}: posterior means and 95% intervals${runs.length > 1 ? `, ${runs.length} runs` : ''}`),
    densities: densitySpec(fit.names.map((parameter, j) => ({
      parameter, group: fit.engine, values: Float64Array.from(fit.draws, (d) => d[j]), weights: fit.weights,
    })), `${fit.engine}: marginal posterior densities`),
  };
  if (fit.chains !== undefined && fit.weights === undefined) {
    const { parameters, note } = worstMixing(fit);
    const draws = { names: fit.names, draws: fit.draws, chains: fit.chains };
    plots.trace = traceSpec(draws, parameters, `${fit.engine}: trace of ${fit.chains} chains${note}`);
    // Ranks compare chains with each other: one chain has nothing to compare with.
    if (fit.chains > 1) plots.rank = rankSpec(draws, parameters, `${fit.engine}: rank plots, uniform when the chains mix${note}`);
  }
  if (fit.traces && fit.traces.length > 0) {
    plots.elbo = elboSpec(fit.traces.map((t, k) => ({ run: label(k), ...t })), `${fit.engine}: ELBO (mean over each window of steps)`);
  }
  return plots;
}
