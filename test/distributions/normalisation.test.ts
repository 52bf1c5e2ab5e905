import { describe, expect, it } from 'vitest';
import { DISTRIBUTIONS, type DistSpec, type Form } from '../../src/distributions/catalog.js';
import { f64Ops } from '../../src/distributions/f64_ops.js';

// Every density and pmf of the catalogue, with each of its forms, is normalised: kernel + xTerm + constant
// (+ the data term) integrates or sums to 1 over the support, for two settings of its arguments. A wrong
// constant or a missing term would leave every fit right (the kernel's derivatives are unchanged) but
// its log-likelihood, log density and the constants compared across models wrong.
const ARGS: Record<string, readonly [number, number]> = {
  mu: [0.37, -1.4], sigma: [1.7, 0.45], nu: [3.5, 1.3], rate: [0.8, 2.6], shape: [2.5, 1.2], a: [2.3, 1.4], b: [3.1, 1.8],
  lower: [-0.5, 1], upper: [2, 1.3], eta: [2.5, 1.1], log_rate: [0.37, 2.1], log_mean: [1.2, -0.3], dispersion: [2.2, 0.7],
  mean: [3.3, 0.6], logit: [0.37, -2.2], p: [0.3, 0.85], trials: [12, 3], zi: [0.3, 0.05], hu: [0.4, 0.02], zi_logit: [-0.8, 2.9], hu_logit: [0.4, -3.9],
};

function logDensity(form: Form, x: number, args: readonly number[]): number {
  let v = (form.kernel(f64Ops, x, args) as number) + form.constant;
  if (form.xTerm) v += form.xTerm(f64Ops, x) as number;
  if (form.dataTerm) v += form.dataTerm.fn(x, form.dataTerm.args.map((name) => args[form.args.findIndex((a) => a.name === name)]));
  return v;
}

/** Composite Simpson's rule of g over (a, b) with n (even) intervals. */
function simpson(g: (t: number) => number, a: number, b: number, n = 200_000): number {
  const h = (b - a) / n;
  let s = g(a) + g(b);
  for (let k = 1; k < n; k++) s += (k % 2 === 1 ? 4 : 2) * g(a + k * h);
  return (s * h) / 3;
}

/** The total mass of exp(logDensity) over the distribution's support. */
function mass(d: DistSpec, form: Form, args: readonly number[]): number {
  const p = (x: number): number => Math.exp(logDensity(form, x, args));
  // Each support mapped from the real line so that the integrand is smooth and its tails thin: x = tan(u)
  // on the line (heavy tails included: p(x) sec^2(u) stays finite), x = e^t on the half line (a Gamma's
  // x^(shape - 1) at 0 becomes e^(shape t)), a logistic on (0, 1) and a tanh on (-1, 1) (Beta's and LKJ's
  // powers at the ends).
  switch (d.support) {
    case 'real':
      return simpson((u) => {
        const c = Math.cos(u);
        return c === 0 ? 0 : p(Math.tan(u)) / (c * c);
      }, -Math.PI / 2, Math.PI / 2);
    case 'positive':
      return simpson((t) => p(Math.exp(t)) * Math.exp(t), -80, 80);
    case 'unit':
      return simpson((t) => {
        const x = 1 / (1 + Math.exp(-t));
        return p(x) * x * (1 - x);
      }, -60, 60);
    case 'interval':
      return simpson(p, args[0], args[1]);
    case 'correlation':
      return simpson((t) => {
        const r = Math.tanh(t);
        return p(r) * (1 - r * r);
      }, -30, 30);
    case 'binary':
      return p(0) + p(1);
    case 'count': {
      const trials = form.args.findIndex((a) => a.name === 'trials');
      const top = trials >= 0 ? args[trials] : 5000;
      let s = 0;
      for (let x = 0; x <= top; x++) s += p(x);
      return s;
    }
  }
}

describe('every density and pmf of the catalogue is normalised', () => {
  for (const d of DISTRIBUTIONS) {
    d.forms.forEach((form) => {
      for (const setting of [0, 1] as const) {
        const args = form.args.map((a) => {
          if (!(a.name in ARGS)) throw new Error(`no test value for ${d.name}'s argument ${a.name}`);
          return ARGS[a.name][setting];
        });
        it(`${d.name} (${form.args.map((a, j) => `${a.name} = ${args[j]}`).join(', ')})`, () => {
          expect(Math.abs(mass(d, form, args) - 1)).toBeLessThan(1e-7);
        });
      }
    });
  }
});
