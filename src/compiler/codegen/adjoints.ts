import type { GNode } from './graph.js';

/**
 * What a node sends back to its operands in the reverse sweep, as source: d(node)/d(operand) times the
 * node's adjoint `g`, with `name` giving an operand's (or the node's own) value. The same local
 * derivatives as the taped evaluator (ad_backward.ts), in the same arrangement, e.g. d(a / b)/db as
 * (-g * y) / b rather than -g * a / b^2.
 */
export function backwardContributions(n: GNode, g: string, name: (n: GNode) => string): [GNode, string][] {
  const a = n.a;
  const b = n.b;
  if (!a) return [];
  const A = name(a);
  const Y = name(n);
  switch (n.kind) {
    case 'add': return [[a, g], [b!, g]];
    case 'sub': return [[a, g], [b!, `-${g}`]];
    case 'mul': return [[a, `${g} * ${name(b!)}`], [b!, `${g} * ${A}`]];
    case 'div': return [[a, `${g} / ${name(b!)}`], [b!, `(-${g} * ${Y}) / ${name(b!)}`]];
    case 'neg': return [[a, `-${g}`]];
    case 'exp': return [[a, `${g} * ${Y}`]];
    case 'log': return [[a, `${g} / ${A}`]];
    case 'square': return [[a, `2 * ${g} * ${A}`]];
    case 'sqrt': return [[a, `(0.5 * ${g}) / ${Y}`]];
    case 'log1p': return [[a, `${g} * (1 / (1 + ${A}))`]];
    case 'softplus': return [[a, `${g} * sg(${A})`]];
    case 'sigmoid': return [[a, `${g} * (${Y} * (1 - ${Y}))`]];
    case 'lgamma': return [[a, `${g} * dg(${A})`]];
    default: return [];
  }
}
