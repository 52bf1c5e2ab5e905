import { describe, expect, it } from 'vitest';
import { evalExpr } from '../../src/compiler/eval_f64.js';
import { splitValues } from '../../src/compiler/layout.js';
import { compileText } from '../helpers.js';

// The power operator with R's precedence and grouping, lowered to the IR's operations.
describe('a ^ b', () => {
  const m = compileText(`parameters { a: positive ~ Exponential(1)  b ~ Normal(0, 1) }
generated {
  neg = -2^2
  right = 2^3^2
  inverse = 2^-1
  cube = b^3
  root = a^0.5
  frac = a^2.5
  recip = b^-2
  zero = b^0
}`);
  const values = (a: number, b: number): Record<string, number> => {
    const split = splitValues(m.ir, Float64Array.of(a, b));
    return Object.fromEntries(m.ir.generated.map((g) => [g.name, evalExpr(g.expr, split, m.ir.data) as number]));
  };
  it('binds above unary minus and groups right to left, as in R', () => {
    expect(values(1, 1)).toMatchObject({ neg: -4, right: 512, inverse: 0.5 });
  });
  it('gives the power for whole, fractional and negative exponents, a negative base included where the exponent is whole', () => {
    const v = values(2.25, -1.5);
    expect(v.cube).toBeCloseTo(-3.375, 14);
    expect(v.recip).toBeCloseTo(1 / 2.25, 14);
    expect(v.zero).toBe(1);
    expect(v.root).toBeCloseTo(1.5, 14);
    expect(v.frac).toBeCloseTo(2.25 ** 2.5, 12);
  });
  it('writes a whole exponent as products, one half as sqrt, any other through exp and log', () => {
    const expr = (name: string) => m.ir.generated.find((g) => g.name === name)!.expr;
    expect(JSON.stringify(expr('cube'))).not.toContain('exp');
    expect(expr('root')).toMatchObject({ op: 'call', fn: 'sqrt' });
    expect(expr('frac')).toMatchObject({ op: 'call', fn: 'exp', arg: { op: 'bin', o: '*', b: { op: 'call', fn: 'log' } } });
  });
});
