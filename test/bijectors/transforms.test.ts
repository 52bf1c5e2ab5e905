import { describe, expect, it } from 'vitest';
import { constrainScalar, constrainWithJacobian, unconstrainScalar, type Transform } from '../../src/bijectors/transforms.js';
import { f64Ops } from '../../src/distributions/f64_ops.js';

const transforms: Transform[] = [
  { kind: 'identity' },
  { kind: 'lower', lo: 0 },
  { kind: 'lower', lo: -2.5 },
  { kind: 'upper', hi: 3 },
  { kind: 'bounded', lo: 0, hi: 1 },
  { kind: 'bounded', lo: -4, hi: 10 },
];

describe.each(transforms)('transform %o', (t) => {
  const thetas = [-6, -1.3, 0, 0.4, 2.2, 7];
  it('log-Jacobian equals log |dx/dtheta| by central differences', () => {
    for (const th of thetas) {
      const h = 1e-6;
      const numeric = Math.log(Math.abs((constrainScalar(t, th + h) - constrainScalar(t, th - h)) / (2 * h)));
      const { logJ } = constrainWithJacobian(f64Ops, t, th);
      expect(logJ === null ? 0 : (logJ as number)).toBeCloseTo(numeric, 6);
    }
  });
  it('unconstrain inverts constrain', () => {
    for (const th of thetas) expect(unconstrainScalar(t, constrainScalar(t, th))).toBeCloseTo(th, 8);
  });
  it('the f64 Ops form equals the scalar form', () => {
    for (const th of thetas) expect(constrainWithJacobian(f64Ops, t, th).x as number).toBeCloseTo(constrainScalar(t, th), 12);
  });
});
