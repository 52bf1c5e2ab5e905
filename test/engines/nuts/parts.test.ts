import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/rng.js';
import { evaluate, leapfrog, phasePoint } from '../../../src/engines/nuts/integrator.js';
import { denseMetric, diagMetric } from '../../../src/engines/nuts/metric.js';
import { learnStepSize, startDualAveraging, finalStepSize } from '../../../src/engines/nuts/step_size.js';
import { noUTurn } from '../../../src/engines/nuts/termination.js';
import { slowWindows, Welford } from '../../../src/engines/nuts/windows.js';
import { progressReporter, renderProgress } from '../../../src/cli/progress.js';
import { correlatedGaussian2 } from './gaussian_density.js';

describe("Stan's warm-up windows", () => {
  it('gives [75,100) [100,150) [150,250) [250,450) [450,950) for 1000 iterations', () => {
    expect(slowWindows(1000)).toEqual([
      { start: 75, end: 100 }, { start: 100, end: 150 }, { start: 150, end: 250 }, { start: 250, end: 450 }, { start: 450, end: 950 },
    ]);
  });

  it('falls back to 15% / 75% / 10% when 75 + 25 + 50 do not fit, and adapts no metric below 20', () => {
    // 100 iterations: init buffer 15, terminal buffer 10, one window of 75 (its successor would not fit).
    expect(slowWindows(100)).toEqual([{ start: 15, end: 90 }]);
    expect(slowWindows(19)).toEqual([]);
  });

  it('stretches the last window to the terminal buffer', () => {
    const w = slowWindows(2000);
    expect(w[0]).toEqual({ start: 75, end: 100 });
    expect(w[w.length - 1].end).toBe(1950);
    for (let i = 1; i < w.length; i++) expect(w[i].start).toBe(w[i - 1].end);
  });
});

describe('Welford estimator with Stan regularisation', () => {
  it('shrinks the sample variance towards 1e-3 with weight 5 / (n + 5)', () => {
    const xs = [1, 2, 4, 7, 11];
    const w = new Welford(1, false);
    xs.forEach((x) => w.add(Float64Array.of(x)));
    const m = xs.reduce((a, b) => a + b) / 5;
    const s = xs.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
    expect((w.regularized() as Float64Array)[0]).toBeCloseTo((5 / 10) * s + 1e-3 * (5 / 10), 12);
  });

  it('estimates a covariance matrix (dense) that is symmetric', () => {
    const rng = createRng(4);
    const w = new Welford(2, true);
    for (let i = 0; i < 5000; i++) {
      const a = rng.normal();
      w.add(Float64Array.of(a, 0.5 * a + rng.normal()));
    }
    const c = w.regularized() as Float64Array[];
    expect(c[0][1]).toBe(c[1][0]);
    expect(c[0][1]).toBeCloseTo(0.5, 1);
    expect(c[1][1]).toBeCloseTo(1.25, 1);
  });
});

describe('leapfrog integrator', () => {
  const ld = correlatedGaussian2([1, -1], 1, 2, 0.7);
  const metrics = [diagMetric(Float64Array.of(0.5, 3)), denseMetric([Float64Array.of(1, 1.4), Float64Array.of(1.4, 4)])];
  it.each(metrics.map((m) => [m.kind, m] as const))('is reversible and nearly conserves energy (%s metric)', (_, metric) => {
    const rng = createRng(9);
    const z0 = phasePoint(evaluate(ld, Float64Array.of(0.3, 0.8)), metric.sampleMomentum(rng), metric);
    let z = z0;
    for (let i = 0; i < 50; i++) z = leapfrog(ld, metric, z, 0.05);
    // Symplectic: the energy error stays O(eps^2), it does not drift.
    expect(Math.abs(z.H - z0.H)).toBeLessThan(5e-3);
    // Reversible: flip the momentum, integrate back, arrive where we started.
    let back = phasePoint(z, z.p.map((p) => -p), metric);
    for (let i = 0; i < 50; i++) back = leapfrog(ld, metric, back, 0.05);
    for (let i = 0; i < 2; i++) expect(back.q[i]).toBeCloseTo(z0.q[i], 10);
  });

  it('draws momenta with covariance M = (M^-1)^-1 for a dense metric', () => {
    const inv = [Float64Array.of(2, 0.6), Float64Array.of(0.6, 0.5)];
    const metric = denseMetric(inv);
    const rng = createRng(2);
    const n = 40000;
    const s = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const p = metric.sampleMomentum(rng);
      s[0] += p[0] * p[0] / n;
      s[1] += p[0] * p[1] / n;
      s[2] += p[1] * p[1] / n;
    }
    const det = 2 * 0.5 - 0.36;
    expect(s[0]).toBeCloseTo(0.5 / det, 1);
    expect(s[1]).toBeCloseTo(-0.6 / det, 1);
    expect(s[2]).toBeCloseTo(2 / det, 1);
  });
});

describe('no-U-turn criterion', () => {
  it('continues while the summed momentum points along both end velocities', () => {
    expect(noUTurn(Float64Array.of(1, 0), Float64Array.of(1, 0.2), Float64Array.of(3, 0.5))).toBe(true);
    expect(noUTurn(Float64Array.of(1, 0), Float64Array.of(-1, 0), Float64Array.of(0.5, 0))).toBe(false);
  });
});

describe('dual averaging', () => {
  it('drives the step size towards the one whose accept statistic is delta', () => {
    // A toy sampler whose accept statistic falls with the step size: alpha(eps) = exp(-eps); delta = 0.8
    // is reached at eps = -log(0.8).
    let s = startDualAveraging(1);
    let eps = 1;
    for (let i = 0; i < 2000; i++) [s, eps] = learnStepSize(s, Math.exp(-eps), 0.8);
    expect(finalStepSize(s)).toBeCloseTo(-Math.log(0.8), 2);
  });
});

describe('progress bar', () => {
  it('renders chain, bar, iteration and phase', () => {
    expect(renderProgress({ chain: 1, chains: 4, iteration: 500, iterations: 2000, warmup: true }, 8))
      .toBe('chain 2/4 [==      ]  500/2000 warm-up ');
  });

  it('shows the chain furthest behind when chains run in parallel, and clears the line when all are done', () => {
    const lines: string[] = [];
    let t = 0;
    const report = progressReporter((s) => lines.push(s), 100, () => (t += 200));
    const p = (chain: number, iteration: number) => ({ chain, chains: 2, iteration, iterations: 10, warmup: iteration <= 5 });
    report(p(0, 4));
    report(p(1, 2));
    report(p(0, 10));
    expect(lines.slice(-1)[0]).toContain('chain 2/2');
    expect(lines.slice(-1)[0]).toContain(' 2/10 warm-up');
    report(p(1, 10));
    expect(lines.slice(-1)[0]).toBe('\r\x1b[K');
  });
});
