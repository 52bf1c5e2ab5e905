import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { poisson } from '../../src/distributions/sample.js';
import { compile } from '../../src/api/compile.js';

// Poisson counts fitted as a negative binomial: the dispersion's likelihood rises towards phi = infinity,
// and maximum likelihood must see that slope. For large phi,
//   log NB(y | mu, phi) = log Poisson(y | mu) + ((y - mu)^2 - y) / (2 phi) + O(phi^-2),
// so d/d log(phi) of the log-likelihood is -sum((y - mu)^2 - y) / (2 phi) to relative O(mu / phi).
// Through lgamma(y + phi) - lgamma(phi) that derivative was noise of +-5 at phi = 2e7 (its true value
// is 1e-6): a fit of a gene without overdispersion wandered and stopped "not converged".
const rng = createRng(3);
const MU = 3;
const ys = Array.from({ length: 2000 }, () => poisson(rng, MU));
const csv = `y\n${ys.join('\n')}\n`;
const source = `data "d.csv" { y: count }
parameters {
  a ~ Normal(0, 10)
  phi ~ Exponential(0.1)
}
model {
  y ~ NegativeBinomial(log_mean = a, dispersion = phi)
}`;

describe('negative binomial log density in the Poisson limit (large dispersion)', () => {
  // Maximum likelihood's log density: the likelihood alone, in theta = (a, log(phi)).
  const model = compile(source, { fileName: 'test.glmm', data: { text: csv, file: 'test.csv' }, ml: true });

  it('the gradient in log(phi) is the limit series, not rounding noise', async () => {
    const ld = await model.logDensity({ backend: 'js' });
    const c = ld.thetaNames.indexOf('log(phi)');
    const a = ld.thetaNames.indexOf('a');
    for (const logPhi of [14, 16.9]) {
      const phi = Math.exp(logPhi);
      const theta = new Float64Array(ld.dim);
      theta[a] = Math.log(MU);
      theta[c] = logPhi;
      const series = -ys.reduce((s, y) => s + (y - MU) ** 2 - y, 0) / (2 * phi);
      // The next term of the series is O(n mu^3 / phi^2): 2e-4 of this one at phi = e^14; float64 rounding of
      // the rows' O(mu) terms (1e-14 each) is what limits the comparison beyond e^17.
      expect(Math.abs(ld.valueAndGrad(theta).grad[c] - series)).toBeLessThan(1e-3 * Math.abs(series));
    }
  });
});
