import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { makeSimulator } from '../../src/compiler/simulate.js';
import { compileText } from '../helpers.js';

const csv = ['y,n,z,k,t,x,g', '3,10,0.5,1,4,1.5,a', '0,2,-1,0,1,0,b', '7,30,2.5,5,9,-2,a', '1,5,0.1,2,2,0.7,b'].join('\n');
const source = `data { y: count  n: positive  z: real  k: count  t: count  x: real  g: factor }
parameters { b[g] ~ Normal(0, 1)  s ~ HalfNormal(1)  m ~ Normal(0, 1)  a ~ Normal(0, 1) }
model {
  y ~ Poisson(log_rate = b[g] + log(n))
  z ~ Normal(m + x, s)
  k ~ Binomial(trials = t, logit = a + b[g])
}`;
const model = compileText(source, csv);
// b[a], b[b], s, m, a (constrained)
const values = Float64Array.of(-1.2, 0.4, 0.7, 0.3, -0.5);
const b = [-1.2, 0.4];
const g = [0, 1, 0, 1];
const n = [10, 2, 30, 5];
const x = [1.5, 0, -2, 0.7];
const t = [4, 1, 9, 2];
const logistic = (v: number): number => 1 / (1 + Math.exp(-v));

/** Per row, the mean and variance of each replicated column over R data sets. */
function replicate(R: number, seed: number) {
  const sim = makeSimulator(model.rowwiseIr);
  const rng = createRng(seed);
  const sums = sim.columns.map(() => ({ s: new Float64Array(4), ss: new Float64Array(4) }));
  for (let r = 0; r < R; r++) {
    sim.simulate(values, rng).forEach((y, j) => y.forEach((v, i) => {
      sums[j].s[i] += v;
      sums[j].ss[i] += v * v;
    }));
  }
  return sums.map(({ s, ss }) => Array.from(s, (v, i) => ({ mean: v / R, variance: (ss[i] - (v * v) / R) / (R - 1) })));
}

describe('makeSimulator: every likelihood row drawn from its distribution at that row', () => {
  const R = 20_000;
  const [pois, norm, binom] = replicate(R, 11);

  it('lists the observed columns with their families', () => {
    const sim = makeSimulator(model.rowwiseIr);
    expect(sim.columns.map((c) => [c.column, c.dist.name])).toEqual([['y', 'Poisson'], ['z', 'Normal'], ['k', 'Binomial']]);
    expect(Array.from(sim.columns[0].observed)).toEqual([3, 0, 7, 1]);
  });

  it('Poisson rows have mean and variance exp(b[g]) n (within 5 Monte Carlo se)', () => {
    pois.forEach((r, i) => {
      const lambda = Math.exp(b[g[i]]) * n[i];
      expect(Math.abs(r.mean - lambda), `row ${i}`).toBeLessThanOrEqual(5 * Math.sqrt(lambda / R));
      expect(Math.abs(r.variance / lambda - 1), `row ${i}`).toBeLessThanOrEqual(5 * Math.sqrt((2 + 1 / lambda) / R));
    });
  });

  it('Normal rows have mean m + x and sd s; Binomial rows mean t p with p = logistic(a + b[g])', () => {
    norm.forEach((r, i) => {
      expect(Math.abs(r.mean - (0.3 + x[i])), `row ${i}`).toBeLessThanOrEqual(5 * 0.7 / Math.sqrt(R));
      expect(Math.abs(r.variance / 0.49 - 1), `row ${i}`).toBeLessThanOrEqual(5 * Math.sqrt(2 / R));
    });
    binom.forEach((r, i) => {
      const p = logistic(-0.5 + b[g[i]]);
      expect(Math.abs(r.mean - t[i] * p), `row ${i}`).toBeLessThanOrEqual(5 * Math.sqrt((t[i] * p * (1 - p)) / R));
    });
  });

  it('is reproducible by seed, and needs the row-wise IR', () => {
    const sim = makeSimulator(model.rowwiseIr);
    expect(sim.simulate(values, createRng(3))).toEqual(sim.simulate(values, createRng(3)));
    const reduced = compileText('data { y: count  g: factor }\nparameters { b[g] ~ Normal(0, 1) }\nmodel { y ~ Poisson(log_rate = b[g]) }', 'y,g\n1,a\n2,b\n0,a\n4,b\n1,a\n');
    expect(reduced.ir.reduction).toBeDefined();
    expect(() => makeSimulator(reduced.ir)).toThrow(/row-wise IR/);
    expect(makeSimulator(reduced.rowwiseIr).simulate(Float64Array.of(0, 1), createRng(1))[0]).toHaveLength(5);
  });
});
