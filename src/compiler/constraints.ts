import type { Constraint } from '../language/ast.js';
import { suggest } from '../language/suggest.js';
import { IDENTITY, describeTransform, type Transform } from '../bijectors/transforms.js';
import type { DistSpec } from '../distributions/catalog.js';
import type { IrExpr } from './ir.js';
import { lowerExpr } from './lower_expr.js';
import { report, type Scope } from './scope.js';

const KINDS: Record<string, number> = { real: 0, positive: 0, lower: 1, upper: 1, bounded: 2 };

/** Reads a declared constraint: `positive`, `lower(a)`, `upper(b)`, `bounded(a, b)`, `real`. */
export function readConstraint(c: Constraint, scope: Scope): Transform | null {
  const kind = c.name.name;
  const arity = KINDS[kind];
  if (arity === undefined) {
    const close = suggest(kind, Object.keys(KINDS));
    return report(scope, 'E208', `unknown constraint '${kind}'`, c.name.span,
      close !== undefined ? `did you mean '${close}'?` : 'constraints: positive, lower(a), upper(b), bounded(a, b)');
  }
  if (c.args.length !== arity) {
    return report(scope, 'E208', `'${kind}' takes ${arity} argument${arity === 1 ? '' : 's'}, got ${c.args.length}`, c.span,
      arity === 0 ? `write ${kind}` : `write ${kind === 'bounded' ? 'bounded(0, 1)' : `${kind}(0)`}`);
  }
  const values: number[] = [];
  for (const a of c.args) {
    const e = lowerExpr(a, scope, 'prior');
    if (!e) return null;
    if (e.op !== 'const' || !Number.isFinite(e.value)) return report(scope, 'E208', 'a bound must be a finite number', a.span);
    values.push(e.value);
  }
  switch (kind) {
    case 'real':
      return IDENTITY;
    case 'positive':
      return { kind: 'lower', lo: 0 };
    case 'lower':
      return { kind: 'lower', lo: values[0] };
    case 'upper':
      return { kind: 'upper', hi: values[0] };
    default:
      if (!(values[0] < values[1])) return report(scope, 'E208', `bounded(${values[0]}, ${values[1]}) is empty`, c.span, 'the lower bound must be below the upper one');
      return { kind: 'bounded', lo: values[0], hi: values[1] };
  }
}

function interval(t: Transform): [number, number] {
  switch (t.kind) {
    case 'identity':
      return [-Infinity, Infinity];
    case 'lower':
      return [t.lo, Infinity];
    case 'upper':
      return [-Infinity, t.hi];
    case 'bounded':
      return [t.lo, t.hi];
  }
}

/** The transform a distribution's support implies; null when it depends on non-constant arguments. */
export function supportTransform(dist: DistSpec, args: readonly IrExpr[]): Transform | null {
  switch (dist.support) {
    case 'positive':
      return { kind: 'lower', lo: 0 };
    case 'unit':
      return { kind: 'bounded', lo: 0, hi: 1 };
    case 'correlation':
      return { kind: 'bounded', lo: -1, hi: 1 };
    case 'interval': {
      const [lo, hi] = args;
      if (lo.op !== 'const' || hi.op !== 'const') return null;
      return { kind: 'bounded', lo: lo.value, hi: hi.value };
    }
    default:
      return IDENTITY;
  }
}

export type Fit = 'equal' | 'inside' | 'outside';

/** The part of a declared range where the distribution has density, or null when they do not overlap. */
export function overlap(declared: Transform, support: Transform): Transform | null {
  const [a, b] = interval(declared);
  const [c, d] = interval(support);
  const [lo, hi] = [Math.max(a, c), Math.min(b, d)];
  if (!(lo < hi)) return null;
  if (lo === -Infinity) return hi === Infinity ? IDENTITY : { kind: 'upper', hi };
  return hi === Infinity ? { kind: 'lower', lo } : { kind: 'bounded', lo, hi };
}

/** Whether a parameter's declared range lies inside the distribution's support. */
export function compareRange(declared: Transform, support: Transform): Fit {
  const [a, b] = interval(declared);
  const [c, d] = interval(support);
  if (a === c && b === d) return 'equal';
  return a >= c && b <= d ? 'inside' : 'outside';
}

export { describeTransform };
