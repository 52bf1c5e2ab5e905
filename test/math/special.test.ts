import { describe, expect, it } from 'vitest';
import { digamma, invLogit, lgamma, lgammaRatio, lgammaRatioDphi, lgammaRatioDy, lgammaRatioLogPhi, log1mExp, log1pExp, logistic, logSumExp, tetragamma, trigamma } from '../../src/math/special.js';
import { createRng } from '../../src/core/rng.js';

/** |actual - expected| <= tol * max(|expected|, floor): relative, with an absolute floor near zero. */
function expectClose(actual: number, expected: number, tol: number, floor = Number.MIN_VALUE): void {
  const err = Math.abs(actual - expected);
  expect(err, `got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(expected), floor));
}

// Reference values from mpmath at 40 digits, evaluated at the float64 value of each x (1.999 is not exactly
// representable, and lgamma's relative sensitivity near its zeros makes that difference visible).
const LGAMMA_TABLE: [number, number][] = [
  [0.5, 0.5723649429247001], // log(sqrt(pi))
  [1e-8, 18.42068073818021],
  [1e-300, 690.7755278982137],
  [0.9, 0.06637623973474295],
  [1.1, -0.049872441259839764],
  [1.999, -0.0004224618006921073],
  [2.001, 0.000423106734800117],
  [1.4616321449683623, -0.12148629053584961], // the minimum of Gamma on (0, inf)
  [3, 0.6931471805599453], // log 2
  [7.3, 7.147892523022248],
  [12.5, 18.734347511936445],
  [100.5, 361.4355404677776],
  [1000.25, 5906.9472682711175],
  [1e6, 12815504.569147611],
  [-0.5, 1.2655121234846454],
  [-2.5, -0.056243716497674054],
  [-10.3, -14.457515440024208],
];

const DIGAMMA_TABLE: [number, number][] = [
  [1, -0.5772156649015329],
  [0.5, -1.9635100260214235],
  [2, 0.42278433509846713],
  [1e-6, -1000000.5772140201],
  [3.7, 1.1671535393615113],
  [100, 4.600161852738087],
  [-0.5, 0.03648997397857652],
  [-2.3, 3.3173231575618227],
];

describe('lgamma', () => {
  it.each(LGAMMA_TABLE)('lgamma(%d) matches mpmath to 1e-13 relative', (x, expected) => {
    expectClose(lgamma(x), expected, 1e-13);
  });

  it('is exactly 0 at 1 and 2, and tracks the zeros linearly', () => {
    expect(lgamma(1)).toBe(0);
    expect(lgamma(2)).toBe(0);
    // Slopes at the zeros are digamma(1) = -gamma and digamma(2) = 1 - gamma; the next terms are
    // O(z^2) = 1e-20, far below the tolerance. (1 + 1e-10) - 1 is exact, unlike 1e-10 as an offset.
    const z = 1 + 1e-10 - 1;
    expectClose(lgamma(1 + z), -0.5772156649015329 * z, 1e-9);
    expectClose(lgamma(2 - z), -0.42278433509846713 * z, 1e-9);
  });

  it('satisfies lgamma(x + 1) = lgamma(x) + log(x) on (0, 1e5)', () => {
    const rng = createRng('lgamma-recurrence');
    for (let i = 0; i < 2000; i++) {
      const x = Math.exp(-10 + 21.5 * rng.uniform());
      expectClose(lgamma(x + 1), lgamma(x) + Math.log(x), 1e-13, 1);
    }
  });

  it('satisfies the reflection formula for negative non-integers', () => {
    for (const x of [-0.25, -1.5, -3.7, -20.1]) {
      expectClose(lgamma(x) + lgamma(1 - x), Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))), 1e-13);
    }
  });

  it('gives +Infinity at the poles and propagates NaN', () => {
    for (const x of [0, -1, -2, -100]) expect(lgamma(x)).toBe(Infinity);
    expect(lgamma(Infinity)).toBe(Infinity);
    expect(lgamma(NaN)).toBeNaN();
  });
});

describe('digamma', () => {
  it.each(DIGAMMA_TABLE)('digamma(%d) matches mpmath', (x, expected) => {
    expectClose(digamma(x), expected, 1e-14);
  });

  it('satisfies digamma(x + 1) = digamma(x) + 1/x and is the derivative of lgamma', () => {
    const rng = createRng('digamma');
    for (let i = 0; i < 500; i++) {
      const x = 0.01 + 50 * rng.uniform();
      expectClose(digamma(x + 1), digamma(x) + 1 / x, 1e-13, 1);
      const h = 1e-5 * Math.max(1, x);
      expectClose((lgamma(x + h) - lgamma(x - h)) / (2 * h), digamma(x), 1e-7, 1);
    }
  });

  it('is NaN at the poles', () => {
    expect(digamma(0)).toBeNaN();
    expect(digamma(-3)).toBeNaN();
  });
});

describe('log-scale helpers', () => {
  it('log1pExp is stable at both ends', () => {
    const table: [number, number][] = [
      [-800, 0],
      [-40, 4.248354255291589e-18],
      [-1, 0.3132616875182228],
      [0, Math.LN2],
      [1, 1.3132616875182228],
      [40, 40],
      [800, 800],
    ];
    for (const [x, expected] of table) expectClose(log1pExp(x), expected, 1e-15, 1e-300);
  });

  it('log1mExp is accurate near 0 and far from 0', () => {
    const table: [number, number][] = [
      [-1e-20, -46.051701859880914],
      [-1e-10, -23.025850929990458],
      [-0.5, -0.9327521295671886],
      [-1, -0.4586751453870819],
      [-40, -4.248354255291589e-18],
    ];
    for (const [a, expected] of table) expectClose(log1mExp(a), expected, 1e-15);
    expect(log1mExp(0)).toBe(-Infinity);
    expect(log1mExp(1)).toBeNaN();
  });

  it('logSumExp shifts by the maximum', () => {
    expectClose(logSumExp([1000, 1000]), 1000 + Math.LN2, 1e-15);
    expectClose(logSumExp(new Float64Array([-1000, -1000, -1000])), -1000 + Math.log(3), 1e-15);
    expectClose(logSumExp([0, Math.log(2), Math.log(3)]), Math.log(6), 1e-15);
    expect(logSumExp([])).toBe(-Infinity);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([1, Infinity])).toBe(Infinity);
    expect(logSumExp([1, NaN])).toBeNaN();
  });

  it('logistic is stable and symmetric', () => {
    expect(logistic(0)).toBe(0.5);
    expect(logistic(800)).toBe(1);
    expect(logistic(-800)).toBe(0);
    expectClose(logistic(-745), Math.exp(-745), 1e-12, 0);
    expectClose(logistic(-30), 9.357622968839299e-14, 1e-14);
    for (const x of [-20, -3, -0.1, 0.7, 5]) expectClose(logistic(x) + logistic(-x), 1, 1e-15);
    expect(invLogit).toBe(logistic);
  });
});

describe('lgammaRatio: log(Gamma(y + phi) / (Gamma(phi) phi^y)), the negative binomial normaliser', () => {
  /** The exact sum for an integer count, term by term in log1p (no cancellation). */
  const bySum = (y: number, phi: number): number => {
    let s = 0;
    for (let k = 1; k < y; k++) s += Math.log1p(k / phi);
    return s;
  };

  it('equals lgamma(y + phi) - lgamma(phi) - y log(phi) where that difference is well conditioned', () => {
    for (const [y, phi] of [[0, 3], [1, 0.3], [3, 0.3], [7, 5], [17, 5], [17, 50], [200, 0.7], [2.5, 3], [40, 9.5]]) {
      const direct = lgamma(y + phi) - lgamma(phi) - y * Math.log(phi);
      expect(lgammaRatio(y, phi)).toBeCloseTo(direct, 11);
    }
  });

  it('stays accurate as phi grows (the Poisson limit), where the lgamma difference loses every digit', () => {
    for (const phi of [1e3, 2e7, 1e12]) {
      for (const y of [2, 5, 17, 40, 300]) {
        const exact = bySum(y, phi);
        expect(Math.abs(lgammaRatio(y, phi) - exact) / exact).toBeLessThan(1e-9);
      }
    }
    // The naive difference is 20% off at phi = 2e7, y = 5 (what made a negative binomial fit wander).
    const naive = lgamma(5 + 2e7) - lgamma(2e7) - 5 * Math.log(2e7);
    expect(Math.abs(naive - bySum(5, 2e7)) / bySum(5, 2e7)).toBeGreaterThan(0.05);
  });

  it('has the derivative in phi of its differences, and in y digamma(y + phi) - log(phi)', () => {
    for (const [y, phi] of [[3, 0.3], [17, 5], [17, 50], [200, 0.7], [200, 3e4], [2.5, 3], [40, 2e4]]) {
      const h = 1e-5 * phi;
      const fd = (lgammaRatio(y, phi + h) - lgammaRatio(y, phi - h)) / (2 * h);
      expectClose(lgammaRatioDphi(y, phi), fd, 1e-7, 1e-9);
      expectClose(lgammaRatioDphi(y, phi), digamma(y + phi) - digamma(phi) - y / phi, 1e-9, 1e-12);
    }
    // Large phi: against the exact sum's derivative, -sum k / (phi (phi + k)).
    for (const y of [5, 40]) {
      let exact = 0;
      for (let k = 1; k < y; k++) exact -= k / (2e7 * (2e7 + k));
      expect(Math.abs(lgammaRatioDphi(y, 2e7) - exact) / Math.abs(exact)).toBeLessThan(1e-7);
    }
    expect(lgammaRatioDy(2.5, 3)).toBeCloseTo(digamma(5.5) - Math.log(3), 12);
  });
});

describe('trigamma and tetragamma', () => {
  it('are the derivatives of digamma and trigamma (central differences), and trigamma(1) = pi^2 / 6', () => {
    expectClose(trigamma(1), Math.PI ** 2 / 6, 1e-14);
    expectClose(tetragamma(1), -2 * 1.2020569031595942, 1e-13); // -2 zeta(3)
    for (const x of [0.05, 0.3, 1, 2.5, 9.9, 10, 37, 1e4]) {
      const h = 1e-5 * x;
      expectClose(trigamma(x), (digamma(x + h) - digamma(x - h)) / (2 * h), 1e-7);
      expectClose(tetragamma(x), (trigamma(x + h) - trigamma(x - h)) / (2 * h), 1e-6);
    }
  });
});

describe('lgammaRatioLogPhi: the derivatives of a negative binomial normaliser in log(phi)', () => {
  // For a whole count y the derivatives are exact sums over k < y without cancellation at any phi:
  // the reference for counts past the term-by-term range, where polygamma differences are used.
  const exact = (y: number, phi: number): number[] => {
    let [d1, d2, d3] = [0, 0, 0];
    for (let k = 1; k < y; k++) {
      const r = 1 / (phi + k);
      d1 -= k * r;
      d2 += k * phi * r * r;
      d3 += k * phi * (k - phi) * r * r * r;
    }
    return [d1, d2, d3];
  };
  it('keeps its digits from phi = 0.1 to phi = 1e18 for counts of 17 to 2,000', () => {
    const out = new Float64Array(3);
    for (const y of [17, 30, 64, 400, 2000]) {
      for (const t of [-2.3, 0, 2.3, 5, 10, 20, 30, 35, 40.25, 42]) {
        const phi = Math.exp(t);
        lgammaRatioLogPhi(y, phi, out);
        const want = exact(y, phi);
        // Relative to the largest of the three (d3 crosses 0 where phi passes the count).
        const size = Math.max(...want.map(Math.abs));
        for (let k = 0; k < 3; k++) expect(Math.abs(out[k] - want[k]) / size, `y ${y} t ${t} d${k + 1}`).toBeLessThan(1e-9);
      }
    }
  });
});
