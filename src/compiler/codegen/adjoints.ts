import type { GNode } from './graph.js';
import { tablesOf } from './source_parts.js';

/**
 * What a node sends back to one operand in the reverse sweep, in the taped evaluator's terms
 * (ad_backward.ts): the operand's adjoint grows by k * g * m / q, with g the node's adjoint, k a fixed
 * factor and m, q values (null for 1). Keeping the tape's factors, rather than any equal formula, lets
 * the generated code round exactly as the tape does, e.g. d(a / b)/db = (-1 g y) / b, not -g a / b^2.
 */
export interface Share {
  readonly operand: GNode;
  readonly k: number;
  readonly m: GNode | Deriv | null;
  readonly q: GNode | null;
}

/** A derivative the tape computes as a value of its own before multiplying (deriv in ad_backward.ts). */
export interface Deriv {
  readonly deriv: 'log1p' | 'softplus' | 'sigmoid' | 'lgamma' | 'lgammaRatio' | 'lgammaRatioY' | 'table' | 'table2A' | 'table2B';
  readonly of: GNode;
}

/** The shares a node sends, in the order the tape sends them (for a binary node: b first, then a). */
export function shares(n: GNode): Share[] {
  const a = n.a;
  const b = n.b;
  if (!a) return [];
  switch (n.kind) {
    case 'add': return [{ operand: b!, k: 1, m: null, q: null }, { operand: a, k: 1, m: null, q: null }];
    case 'sub': return [{ operand: b!, k: -1, m: null, q: null }, { operand: a, k: 1, m: null, q: null }];
    case 'mul': return [{ operand: b!, k: 1, m: a, q: null }, { operand: a, k: 1, m: b!, q: null }];
    case 'div': return [{ operand: b!, k: -1, m: n, q: b! }, { operand: a, k: 1, m: null, q: b! }];
    case 'neg': return [{ operand: a, k: -1, m: null, q: null }];
    case 'exp': return [{ operand: a, k: 1, m: n, q: null }];
    case 'log': return [{ operand: a, k: 1, m: null, q: a }];
    case 'square': return [{ operand: a, k: 2, m: a, q: null }];
    case 'sqrt': return [{ operand: a, k: 0.5, m: null, q: n }];
    case 'log1p':
    case 'softplus':
    case 'sigmoid':
    case 'lgamma':
      return [{ operand: a, k: 1, m: { deriv: n.kind, of: n }, q: null }];
    case 'table':
      return [{ operand: a, k: 1, m: { deriv: 'table', of: n }, q: null }];
    case 'table2':
      return [{ operand: b!, k: 1, m: { deriv: 'table2B', of: n }, q: null }, { operand: a, k: 1, m: { deriv: 'table2A', of: n }, q: null }];
    case 'lgammaRatio':
      return [{ operand: b!, k: 1, m: { deriv: 'lgammaRatio', of: n }, q: null }, { operand: a, k: 1, m: { deriv: 'lgammaRatioY', of: n }, q: null }];
    default: return [];
  }
}

/**
 * The derivative's value as source, the tape's derivScalar formula given the operand `A`, the node's
 * value `Y` and, for softplus, `E` = exp(-|A|) from its forward step (the sigmoid of A, inlined); for
 * lgammaRatio, the helpers the tape calls, of A and the second operand `B`.
 */
export function derivSource(d: Deriv, A: string, Y: string, E: string, B: string): string {
  switch (d.deriv) {
    case 'log1p': return `1 / (1 + ${A})`;
    case 'softplus': return `${A} >= 0 ? 1 / (1 + ${E}) : ${E} / (1 + ${E})`;
    case 'sigmoid': return `${Y} * (1 - ${Y})`;
    case 'lgamma': return `dg(${A})`;
    case 'lgammaRatio': return `lrd(${A}, ${B})`;
    case 'lgammaRatioY': return `lry(${A}, ${B})`;
    case 'table': return `${tablesOf(d.of.slot!)}[i].slope(${A})`;
    case 'table2A': return `${tablesOf(d.of.slot!)}[i].slopeA(${A}, ${B})`;
    case 'table2B': return `${tablesOf(d.of.slot!)}[i].slopeB(${A}, ${B})`;
  }
}
