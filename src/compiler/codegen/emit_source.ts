import { type Domain, type GNode, ROWS, SCALAR, elementsOf } from './graph.js';
import { intLiteral, numberLiteral } from './literal.js';
import type { ModelGraph, Term, VectorParam } from './model_graph.js';
import { backwardContributions } from './adjoints.js';

/**
 * The body of a factory `(D, C, X, G, H) => [valueAndGrad, value]` for a model graph, as JavaScript
 * source. Its text is made of node kinds, indices and validated numbers only (see graph.ts): D are the
 * data columns, C the factor codes, X and G per vector parameter its constrained values and their
 * adjoints (scratch the caller owns), H the special functions.
 *
 * valueAndGrad(theta, grad) runs, in order (the layout of a reverse sweep whose only loops are over one
 * domain at a time; every adjoint a loop produces for a scalar is a sum over its elements):
 *   1. each vector parameter's loop: x_p[i] = f(theta[off + i]), summing its log-Jacobian;
 *   2. every scalar node, once;
 *   3. each loop of terms (the rows, a vector parameter's prior): per element the values, then at once
 *      their adjoints, summed into the scalars' adjoints and scattered into G[p];
 *   4. the scalars' adjoints in reverse, into grad (and G[p] for picked elements);
 *   5. each vector parameter's loop again: its adjoint through the bijector into grad.
 * Terms are summed separately and added up in the taped evaluator's order (emit.ts), so the value is
 * the same sum of the same numbers.
 */
export function emitSource(m: ModelGraph): string {
  return new SourceEmitter(m).emit();
}

const name = (n: GNode): string => (n.kind === 'const' ? numberLiteral(n.value!) : `v${intLiteral(n.id)}`);
const adj = (n: GNode): string => `g${intLiteral(n.id)}`;
const acc = (k: number): string => `t${intLiteral(k)}`;
const xArr = (param: number): string => `x${intLiteral(param)}`;
const gxArr = (param: number): string => `gx${intLiteral(param)}`;

/** Every node `roots` reach, in creation (hence topological) order. */
function reachable(roots: readonly GNode[]): GNode[] {
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

class SourceEmitter {
  private readonly termRoots: readonly GNode[];
  /** Codes arrays that hold -1 (a contrast's reference level, which reads as 0). */
  private readonly negativeCodes: readonly boolean[];
  private readonly loops: readonly { domain: Domain; size: number; terms: number[]; nodes: GNode[] }[];
  private readonly scalars: readonly GNode[];

  constructor(private readonly m: ModelGraph) {
    this.termRoots = m.terms.filter((t) => !t.vector).map((t) => t.root);
    this.negativeCodes = m.codes.map((c) => c.some((k) => k < 0));
    const all = reachable(this.termRoots);
    this.scalars = all.filter((n) => n.domain === SCALAR);
    const domains = [...new Set(m.terms.filter((t) => !t.vector && t.root.domain !== SCALAR).map((t) => t.root.domain))].sort((a, b) => a - b);
    this.loops = domains.map((domain) => ({
      domain,
      size: domain === ROWS ? m.nRows : m.sizes[domain - elementsOf(0)]!,
      terms: m.terms.flatMap((t, k) => (!t.vector && t.root.domain === domain ? [k] : [])),
      nodes: all.filter((n) => n.domain === domain),
    }));
  }

  emit(): string {
    const lines: string[] = [];
    for (let k = 0; k < this.m.columns.length; k++) lines.push(`const d${intLiteral(k)} = D[${intLiteral(k)}];`);
    for (let k = 0; k < this.m.codes.length; k++) lines.push(`const c${intLiteral(k)} = C[${intLiteral(k)}];`);
    for (const v of this.m.vectors) lines.push(`const ${xArr(v.param)} = X[${intLiteral(v.param)}], ${gxArr(v.param)} = G[${intLiteral(v.param)}];`);
    lines.push('const sp = H.softplus, sg = H.sigmoid, lg = H.lgamma, dg = H.digamma;');
    lines.push('function vg(theta, grad) {', ...this.body(true).map((l) => `  ${l}`), '}');
    lines.push('function val(theta) {', ...this.body(false).map((l) => `  ${l}`), '}');
    lines.push('return [vg, val];');
    return lines.join('\n');
  }

  private body(gradient: boolean): string[] {
    const out: string[] = [];
    const terms = this.m.terms;
    terms.forEach((t, k) => {
      if (t.vector || t.root.domain !== SCALAR) out.push(`let ${acc(k)} = 0;`);
    });
    if (gradient) for (const v of this.m.vectors) out.push(`${gxArr(v.param)}.fill(0);`);
    for (const v of this.m.vectors) out.push(...this.constrainLoop(v, terms.findIndex((t) => t.vector === v), false));
    for (const n of this.scalars) out.push(...this.forward(n));
    terms.forEach((t, k) => {
      if (!t.vector && t.root.domain === SCALAR) out.push(`const ${acc(k)} = ${name(t.root)} * ${intLiteral(t.count)};`);
    });
    const loopAdjoints = new Set<GNode>();
    const loopLines = this.loops.flatMap((l) => this.termLoop(l, gradient, loopAdjoints));
    for (const n of loopAdjoints) out.push(`let ${adj(n)} = 0;`);
    out.push(...loopLines);
    if (gradient) {
      out.push(...this.scalarBackward(loopAdjoints));
      for (const v of this.m.vectors) out.push(...this.constrainLoop(v, -1, true));
    }
    out.push(`return ${terms.length === 0 ? '0' : terms.map((_, k) => acc(k)).join(' + ')};`);
    return out;
  }

  /** `const vN = ...;` for one node, with the code it gathers by read first. */
  private forward(n: GNode): string[] {
    if (n.kind === 'gather') {
      const k = `k${intLiteral(n.id)}`;
      const read = `${xArr(n.slot!)}[${k}]`;
      return [`const ${k} = c${intLiteral(n.codes!)}[i];`, `const ${name(n)} = ${this.negativeCodes[n.codes!] ? `${k} < 0 ? 0 : ${read}` : read};`];
    }
    return [`const ${name(n)} = ${forwardExpr(n)};`];
  }

  /** Step 1 (x_p and its log-Jacobian) or, with `backward`, step 5 (its adjoint into grad). */
  private constrainLoop(v: VectorParam, term: number, backward: boolean): string[] {
    const roots = v.logJ ? [v.x, v.logJ] : [v.x];
    const nodes = reachable(roots);
    const body = nodes.flatMap((n) => this.forward(n));
    if (!backward) {
      body.push(`${xArr(v.param)}[i] = ${name(v.x)};`);
      if (v.logJ && term >= 0) body.push(`${acc(term)} += ${name(v.logJ)};`);
    } else {
      const contribs = new Map<GNode, string[]>([[v.x, [`${gxArr(v.param)}[i]`]]]);
      if (v.logJ) push(contribs, v.logJ, '1');
      body.push(...this.sweep(nodes, contribs, v.theta.domain, new Set(), (n) => (n === v.theta ? [`grad[i + ${intLiteral(v.offset)}] = ${adj(n)};`] : [])));
      // A block nothing reads back (no prior, no use, no Jacobian) has a zero gradient.
      if (!contribs.has(v.theta)) body.push(`grad[i + ${intLiteral(v.offset)}] = 0;`);
    }
    return loop(v.size, body);
  }

  /** Step 3: one domain's terms, values and (with `gradient`) adjoints element by element. */
  private termLoop(l: SourceEmitter['loops'][number], gradient: boolean, loopAdjoints: Set<GNode>): string[] {
    const body = l.nodes.flatMap((n) => this.forward(n));
    for (const k of l.terms) body.push(`${acc(k)} += ${name(this.m.terms[k].root)};`);
    if (gradient) {
      const contribs = new Map<GNode, string[]>();
      for (const k of l.terms) push(contribs, this.m.terms[k].root, '1');
      body.push(...this.sweep(l.nodes, contribs, l.domain, loopAdjoints, (n) => {
        if (n.kind === 'xElem') return [`${gxArr(n.slot!)}[i] += ${adj(n)};`];
        if (n.kind !== 'gather') return [];
        const k = `k${intLiteral(n.id)}`;
        const add = `${gxArr(n.slot!)}[${k}] += ${adj(n)};`;
        return [this.negativeCodes[n.codes!] ? `if (${k} >= 0) ${add}` : add];
      }));
    }
    return loop(l.size, body);
  }

  /** Step 4: the scalar nodes' adjoints, last node first, into grad and the picked elements' G[p]. */
  private scalarBackward(loopAdjoints: Set<GNode>): string[] {
    const contribs = new Map<GNode, string[]>();
    this.m.terms.forEach((t: Term) => {
      if (!t.vector && t.root.domain === SCALAR && t.root.live) push(contribs, t.root, intLiteral(t.count));
    });
    const written = new Set<number>();
    const out = this.sweep(this.scalars, contribs, SCALAR, loopAdjoints, (n) => {
      if (n.kind === 'pick') return [`${gxArr(n.slot!)}[${intLiteral(n.index!)}] += ${adj(n)};`];
      if (n.kind !== 'theta') return [];
      written.add(n.slot!);
      return [`grad[${intLiteral(n.slot!)}] = ${adj(n)};`];
    });
    for (const s of this.m.scalars) if (!written.has(s.offset)) out.push(`grad[${intLiteral(s.offset)}] = 0;`);
    return out;
  }

  /**
   * Reverse sweep over `nodes` of one domain: each live node's adjoint is the sum of what its consumers
   * sent (all of them come later, so it is complete when reached), then it sends its operands their
   * share. A scalar operand of a loop's node accumulates across the loop (`let` before it, `+=` inside);
   * `sink` says what a leaf does with its adjoint.
   */
  private sweep(nodes: readonly GNode[], contribs: Map<GNode, string[]>, domain: Domain, loopAdjoints: Set<GNode>,
    sink: (n: GNode) => string[]): string[] {
    const out: string[] = [];
    for (let j = nodes.length - 1; j >= 0; j--) {
      const n = nodes[j];
      if (!n.live) continue;
      const parts = contribs.get(n) ?? [];
      const fromLoops = domain === SCALAR && loopAdjoints.has(n);
      if (parts.length === 0 && !fromLoops) continue;
      if (fromLoops) {
        if (parts.length > 0) out.push(`${adj(n)} += ${parts.join(' + ')};`);
      } else {
        out.push(`const ${adj(n)} = ${parts.join(' + ')};`);
      }
      out.push(...sink(n));
      for (const [operand, share] of backwardContributions(n, adj(n), name)) {
        if (!operand.live) continue;
        if (operand.domain === domain) {
          push(contribs, operand, share);
        } else {
          // Only a scalar can meet a loop's domain (graph.ts): its adjoint sums over the elements.
          loopAdjoints.add(operand);
          out.push(`${adj(operand)} += ${share};`);
        }
      }
    }
    return out;
  }
}

function push(contribs: Map<GNode, string[]>, n: GNode, share: string): void {
  const list = contribs.get(n);
  if (list) list.push(share);
  else contribs.set(n, [share]);
}

function loop(size: number, body: readonly string[]): string[] {
  return [`for (let i = 0; i < ${intLiteral(size)}; i++) {`, ...body.map((l) => `  ${l}`), '}'];
}

function forwardExpr(n: GNode): string {
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
    case 'softplus': return `sp(${A})`;
    case 'sigmoid': return `sg(${A})`;
    case 'lgamma': return `lg(${A})`;
    case 'const':
    case 'gather':
      break;
  }
  throw new Error(`forwardExpr: ${n.kind} is emitted elsewhere`);
}
