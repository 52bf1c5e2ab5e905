import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { MODE_OFFSET_LIMIT, runLaplace } from '../../src/engines/laplace/run.js';
import { lbfgs } from '../../src/math/lbfgs.js';
import { densityFrom } from './synthetic_density.js';
import { diagnosticsOf } from '../../src/engines/diagnostics.js';
import { warningText } from '../../src/results/warning_text.js';

describe('an optimizer that does not converge is reported with its gradient norm', () => {
  // A kink at c = sqrt(2): the gradient jumps from -0.5 to +0.5 there, so it never gets below 0.5 in
  // size. (At c = 1 the line search lands on the kink exactly, where sign(0) = 0 hides it.)
  const c = Math.SQRT2;
  const kinked = (x: number): { value: number; grad: number } => ({ value: 0.5 * Math.abs(x - c) + Math.cosh(x - c), grad: 0.5 * Math.sign(x - c) + Math.sinh(x - c) });

  it('lbfgs returns converged = false, its reason and the gradient norm where it stopped', () => {
    const r = lbfgs((x) => ({ value: kinked(x[0]).value, grad: Float64Array.of(kinked(x[0]).grad) }), Float64Array.of(0));
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('line-search-failed');
    expect(r.gradNorm).toBeGreaterThan(0.49);
    expect(r.gradNorm).toBe(Math.abs(r.grad[0]));
  });

  it('laplace: a mode the optimizer cannot reach gives a warning with the gradient norm and the offset in sds', () => {
    const ld = densityFrom(1, (t) => ({ value: -kinked(t[0]).value, grad: Float64Array.of(-kinked(t[0]).grad) }));
    const fit = runLaplace(ld, { draws: 100, rng: createRng(1), psis: false });
    expect(diagnosticsOf(fit.diagnostics, 'laplace-joint').modeOffsetSds).toBeGreaterThan(MODE_OFFSET_LIMIT);
    const w = fit.warnings.map(warningText).filter((x) => x.startsWith('the optimizer did not converge'));
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^the optimizer did not converge: it stopped \([a-z-]+, then \d+ Newton steps\) with gradient norm 5\.\d\de-1, and a Newton step from there would still move the mode by [\d.]+ posterior sds/);
  });

  it('laplace: a smooth mode is reached to a tiny fraction of an sd, without a warning', () => {
    const smooth = densityFrom(2, (t) => ({ value: -0.5 * ((t[0] - 1) ** 2 + 4 * (t[1] + 2) ** 2), grad: Float64Array.of(1 - t[0], -4 * (t[1] + 2)) }));
    const fit = runLaplace(smooth, { draws: 100, rng: createRng(1), psis: false });
    expect(diagnosticsOf(fit.diagnostics, 'laplace-joint').modeOffsetSds).toBeLessThan(1e-6);
    expect(fit.warnings.map(warningText).some((x) => x.includes('did not converge'))).toBe(false);
  });
});
