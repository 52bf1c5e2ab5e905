import type { GNode } from './graph.js';
import { intLiteral, numberLiteral } from './literal.js';

/*
 * The pieces of generated source: the names the generator gives (a node's value and adjoint, term sums,
 * arrays), a node's forward expression, a loop. Every name is a letter and an index (construct.ts
 * checks that the whole text holds nothing else).
 */

export const name = (n: GNode): string => (n.kind === 'const' ? numberLiteral(n.value!) : `v${intLiteral(n.id)}`);
export const adj = (n: GNode): string => `g${intLiteral(n.id)}`;
export const acc = (k: number): string => `t${intLiteral(k)}`;
export const blockAcc = (k: number): string => `u${intLiteral(k)}`;
export const xArr = (param: number): string => `x${intLiteral(param)}`;
export const gxArr = (param: number): string => `gx${intLiteral(param)}`;
export const codeOf = (n: GNode): string => `k${intLiteral(n.id)}`;
/** The row tables with this index (T[slot]). */
export const tablesOf = (slot: number): string => `w${intLiteral(slot)}`;
/** exp(-|x|) of a softplus or sigmoid node's operand, shared by its value and its derivative. */
export const expOf = (n: GNode): string => `e${intLiteral(n.id)}`;
/** The sigmoid (graph.ts, character for character) given x and e = exp(-|x|). */
export const sigmoidOf = (x: string, e: string): string => `${x} >= 0 ? 1 / (1 + ${e}) : ${e} / (1 + ${e})`;

/** Every node `roots` reach, in creation (hence topological) order. */
export function reachable(roots: readonly GNode[]): GNode[] {
  const seen = new Set<GNode>();
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n) || n.kind === 'const') continue;
    seen.add(n);
    if (n.a) stack.push(n.a);
    if (n.b) stack.push(n.b);
  }
  return [...seen].sort((x, y) => x.id - y.id);
}

export function push(contribs: Map<GNode, string[]>, n: GNode, share: string): void {
  const list = contribs.get(n);
  if (list) list.push(share);
  else contribs.set(n, [share]);
}

export function loop(size: number, body: readonly string[]): string[] {
  return [`for (let i = 0; i < ${intLiteral(size)}; i++) {`, ...body.map((l) => `  ${l}`), '}'];
}

export function forwardExpr(n: GNode): string {
  const A = n.a ? name(n.a) : '';
  const B = n.b ? name(n.b) : '';
  switch (n.kind) {
    case 'theta': return `theta[${intLiteral(n.slot!)}]`;
    case 'thetaElem': return `theta[i + ${intLiteral(n.slot!)}]`;
    case 'xElem': return `${xArr(n.slot!)}[i]`;
    case 'data': return `d${intLiteral(n.slot!)}[i]`;
    case 'pick': return `${xArr(n.slot!)}[${intLiteral(n.index!)}]`;
    case 'add': return `${A} + ${B}`;
    case 'sub': return `${A} - ${B}`;
    case 'mul': return `${A} * ${B}`;
    case 'div': return `${A} / ${B}`;
    case 'neg': return `-${A}`;
    case 'exp': return `Math.exp(${A})`;
    case 'log': return `Math.log(${A})`;
    case 'log1p': return `Math.log1p(${A})`;
    case 'square': return `${A} * ${A}`;
    case 'sqrt': return `Math.sqrt(${A})`;
    case 'lgamma': return `lg(${A})`;
    case 'lgammaRatio': return `lr(${A}, ${B})`;
    case 'table': return `${tablesOf(n.slot!)}[i].value(${A})`;
    case 'table2': return `${tablesOf(n.slot!)}[i].value2(${A}, ${B})`;
    case 'softplus':
    case 'sigmoid':
    case 'const':
    case 'gather':
      break;
  }
  throw new Error(`forwardExpr: ${n.kind} is emitted elsewhere`);
}
