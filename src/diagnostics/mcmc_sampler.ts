/**
 * Diagnostics of the HMC sampler itself, from its per-draw statistics (not from the draws).
 */

/**
 * The empirical Bayesian fraction of missing information of one chain (Betancourt 2016, arXiv 1604.00695):
 * E-BFMI = sum_{n>=2} (E_n - E_{n-1})^2 / sum_n (E_n - mean E)^2, on the energies of the selected states.
 * Near 1 the momentum resampling moves the energy as far as the marginal energy distribution spans;
 * below 0.3 it does not, and the sampler explores heavy tails or funnels slowly. rstan's get_bfmi.
 */
export function ebfmi(energy: ArrayLike<number>): number {
  const n = energy.length;
  if (n < 2) return NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += energy[i] / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) num += (energy[i] - energy[i - 1]) ** 2;
    den += (energy[i] - mean) ** 2;
  }
  return num / den;
}

/** The threshold below which E-BFMI is flagged (cmdstan diagnose). */
export const EBFMI_THRESHOLD = 0.3;
