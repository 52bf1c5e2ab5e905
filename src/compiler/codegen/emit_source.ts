import { type Domain, type GNode, ROWS, SCALAR, elementsOf } from './graph.js';
import { intLiteral, numberLiteral } from './literal.js';
import {
  acc, adj, blockAcc, codeOf, expOf, forwardExpr, gxArr, loop, name, push, reachable, sigmoidOf, tablesOf, xArr,
} from './source_parts.js';
import type { ModelGraph, Term, VectorParam } from './model_graph.js';
import { derivSource, shares, type Share } from './adjoints.js';
import { BLOCK } from '../js/glm_fused.js';

/**
 * The body of a factory `(D, C, X, G, H, T) => [valueAndGrad, value]` for a model graph, as JavaScript
 * source. Its text is made of node kinds, indices and validated numbers only (see graph.ts): D are the
 * data columns, C the factor codes, X and G per vector parameter its constrained values and their
 * adjoints (scratch the caller owns), H lgamma and digamma (the other functions are written out), T the
 * row tables (lazy_table.ts: `value` and `slope` per row).
 *
 * valueAndGrad(theta, grad) runs, in order (the layout of a reverse sweep whose only loops are over one
 * domain at a time; every adjoint a loop produces for a scalar is a sum over its elements):
 *   1. each vector parameter's loop: x_p[i] = f(theta[off + i]), summing its log-Jacobian;
 *   2. every scalar node, once;
 *   3. each loop of terms (the rows, a vector parameter's prior): per element the values, then at once
 *      their adjoints, scattered into G[p]; what they send to a scalar is summed over the elements;
 *   4. the scalars' adjoints in reverse, into grad (and G[p] for picked elements);
 *   5. each vector parameter's loop again: its adjoint through the bijector into grad.
 * The graph has the tape's nodes (graph.ts) and every adjoint is the tape's (adjoints.ts), added up in
 * its order: a node's share to a scalar is summed over the elements and then scaled, as the tape's
 * acc() does, and is added to the scalar's adjoint where the tape's reverse walk would add it. Terms are
 * summed separately and added up in the tape's order (emit.ts). So the value and gradient are the
 * tape's, bit for bit, on the models tested; where the orders cannot match (a parameter gathered in
 * two likelihoods, a picked element), they differ in the last bits.
 */
export function emitSource(m: ModelGraph): string {
  return new SourceEmitter(m).emit();
}

interface Loop {
  readonly domain: Domain;
  readonly size: number;
  readonly terms: readonly number[];
  readonly nodes: readonly GNode[];
}

/** A loop node's share to a scalar: summed over the elements into `sum`, then times `k` (the tape's acc()). */
interface ScalarShare {
  readonly operand: GNode;
  readonly k: string | null;
  readonly sum: string;
}

class SourceEmitter {
  /** Codes arrays that hold -1 (a contrast's reference level, which reads as 0). */
  private readonly negativeCodes: readonly boolean[];
  private readonly loops: readonly Loop[];
  private readonly scalars: readonly GNode[];
  /** Per loop node, its shares to scalars (filled while the loops are emitted). */
  private scalarShares = new Map<GNode, ScalarShare[]>();
  private sums = 0;

  constructor(private readonly m: ModelGraph) {
    this.negativeCodes = m.codes.map((c) => c.some((k) => k < 0));
    const all = reachable(m.terms.filter((t) => !t.vector).map((t) => t.root));
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
    for (let k = 0; k < this.m.tables.length; k++) lines.push(`const ${tablesOf(k)} = T[${intLiteral(k)}];`);
    lines.push('const lg = H.lgamma, dg = H.digamma, lr = H.lgammaRatio, lrd = H.lgammaRatioDphi, lry = H.lgammaRatioDy;');
    lines.push('function vg(theta, grad) {', ...this.body(true).map((l) => `  ${l}`), '}');
    lines.push('function val(theta) {', ...this.body(false).map((l) => `  ${l}`), '}');
    lines.push('return [vg, val];');
    return lines.join('\n');
  }

  private body(gradient: boolean): string[] {
    this.scalarShares = new Map();
    this.sums = 0;
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
    const loopLines = this.loops.flatMap((l) => this.termLoop(l, gradient));
    for (let j = 0; j < this.sums; j++) out.push(`let s${intLiteral(j)} = 0;`);
    out.push(...loopLines);
    if (gradient) {
      out.push(...this.scalarBackward());
      for (const v of this.m.vectors) out.push(...this.constrainLoop(v, -1, true));
    }
    out.push(`return ${terms.length === 0 ? '0' : terms.map((_, k) => acc(k)).join(' + ')};`);
    return out;
  }

  /** `const vN = ...;` for one node, with the code it gathers by read first. */
  private forward(n: GNode): string[] {
    if (n.kind === 'gather') {
      const k = codeOf(n);
      const read = `${xArr(n.slot!)}[${k}]`;
      return [`const ${k} = c${intLiteral(n.codes!)}[i];`, `const ${name(n)} = ${this.negativeCodes[n.codes!] ? `${k} < 0 ? 0 : ${read}` : read};`];
    }
    if (n.kind === 'softplus' || n.kind === 'sigmoid') {
      // The helpers' formulas inlined, with the one exp both branches need made once: exp(-|x|) is
      // exp(-x) for x > 0 and exp(x) otherwise, bit for bit, and the reverse sweep reuses it (softplus'
      // derivative is the sigmoid of the same x).
      const x = name(n.a!);
      const e = expOf(n);
      const value = n.kind === 'softplus' ? `${x} > 0 ? ${x} + Math.log1p(${e}) : Math.log1p(${e})` : sigmoidOf(x, e);
      return [`const ${e} = Math.exp(-Math.abs(${x}));`, `const ${name(n)} = ${value};`];
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
      // The tape seeds the log-Jacobian before its reverse walk; x_p's adjoint arrives complete.
      const contribs = new Map<GNode, string[]>();
      if (v.logJ) push(contribs, v.logJ, '1');
      push(contribs, v.x, `${gxArr(v.param)}[i]`);
      body.push(...this.loopSweep(nodes, contribs, (n) => (n === v.theta ? [`grad[i + ${intLiteral(v.offset)}] = ${adj(n)};`] : [])));
      // A block nothing reads back (no prior, no use, no Jacobian) has a zero gradient.
      if (!contribs.has(v.theta)) body.push(`grad[i + ${intLiteral(v.offset)}] = 0;`);
    }
    return loop(v.size, body);
  }

  /** Step 3: one domain's terms, values and (with `gradient`) adjoints element by element. */
  private termLoop(l: Loop, gradient: boolean): string[] {
    const body = l.nodes.flatMap((n) => this.forward(n));
    // A fused GLM likelihood is summed block by block, as the tape's fused path sums it.
    const blocked = l.domain === ROWS && l.size > BLOCK ? l.terms.filter((k) => this.m.terms[k].blocked) : [];
    for (const k of l.terms) body.push(`${blocked.includes(k) ? blockAcc(k) : acc(k)} += ${name(this.m.terms[k].root)};`);
    if (gradient) {
      const contribs = new Map<GNode, string[]>();
      for (const k of l.terms) push(contribs, this.m.terms[k].root, '1');
      body.push(...this.loopSweep(l.nodes, contribs, (n) => {
        if (n.kind !== 'gather') return [];
        const k = codeOf(n);
        const add = `${gxArr(n.slot!)}[${k}] += ${adj(n)};`;
        return [this.negativeCodes[n.codes!] ? `if (${k} >= 0) ${add}` : add];
      }));
    }
    if (blocked.length === 0) return loop(l.size, body);
    const size = intLiteral(l.size);
    const step = intLiteral(BLOCK);
    return [
      `for (let j = 0; j < ${size}; j += ${step}) {`,
      ...blocked.map((k) => `  let ${blockAcc(k)} = 0;`),
      `  const e = j + ${step} < ${size} ? j + ${step} : ${size};`,
      '  for (let i = j; i < e; i++) {', ...body.map((line) => `    ${line}`), '  }',
      ...blocked.map((k) => `  ${acc(k)} += ${blockAcc(k)};`),
      '}',
    ];
  }

  /**
   * Reverse sweep over one loop's nodes, for one element: each live node's adjoint is the sum of what
   * its consumers sent (all come later, so it is complete when reached), then it sends its operands
   * their shares. x_p's element takes each share as it comes (it may hold others already); a scalar's
   * share is summed over the elements and sent after the loop (scalarBackward).
   */
  private loopSweep(nodes: readonly GNode[], contribs: Map<GNode, string[]>, sink: (n: GNode) => string[]): string[] {
    const out: string[] = [];
    for (let j = nodes.length - 1; j >= 0; j--) {
      const n = nodes[j];
      const parts = contribs.get(n);
      if (!n.live || !parts) continue;
      if (n.kind === 'xElem') {
        for (const p of parts) out.push(`${gxArr(n.slot!)}[i] += ${p};`);
        continue;
      }
      out.push(`const ${adj(n)} = ${parts.join(' + ')};`);
      out.push(...sink(n));
      for (const share of shares(n)) {
        if (!share.operand.live) continue;
        if (share.operand.domain === n.domain) {
          push(contribs, share.operand, this.elementShare(n, share));
        } else {
          out.push(...this.sumShare(n, share));
        }
      }
    }
    return out;
  }

  /** A share to an operand of the node's own domain, per element: the tape's acc() with scalar m, q folded into k. */
  private elementShare(n: GNode, s: Share): string {
    const { k, m, q } = this.fold(s);
    const g = adj(n);
    const kg = k === null ? g : `${k} * ${g}`;
    if (m === null && q === null) return kg;
    if (q === null) return `${kg} * ${m}`;
    if (m === null) return `(${kg}) / ${q}`;
    return `(${kg} * ${m}) / ${q}`;
  }

  /** A share from a loop node to a scalar: `sum += g m / q` per element, then `k * sum` in the scalar sweep. */
  private sumShare(n: GNode, s: Share): string[] {
    const { k, m, q } = this.fold(s);
    const g = adj(n);
    const sum = `s${intLiteral(this.sums++)}`;
    const list = this.scalarShares.get(n) ?? [];
    list.push({ operand: s.operand, k, sum });
    this.scalarShares.set(n, list);
    const term = m === null && q === null ? g : q === null ? `${g} * ${m}` : m === null ? `${g} / ${q}` : `(${g} * ${m}) / ${q}`;
    return [`${sum} += ${term};`];
  }

  /** k with the scalar factors folded in (k *= m, then k /= q, as acc() does), and the element-wise m and q left. */
  private fold(s: Share): { k: string | null; m: string | null; q: string | null } {
    let k: string | null = s.k === 1 ? null : numberLiteral(s.k);
    const value = (v: GNode | NonNullable<Share['m']>): string => ('deriv' in v ? `(${derivSource(v, name(v.of.a!), name(v.of), expOf(v.of), v.of.b ? name(v.of.b) : '')})` : name(v));
    const scalar = (v: GNode | NonNullable<Share['m']>): boolean => ('deriv' in v ? v.of.domain : v.domain) === SCALAR;
    let m: string | null = null;
    let q: string | null = null;
    if (s.m) {
      if (scalar(s.m)) k = `(${k ?? '1'} * ${value(s.m)})`;
      else m = value(s.m);
    }
    if (s.q) {
      if (scalar(s.q)) k = `(${k ?? '1'} / ${value(s.q)})`;
      else q = value(s.q);
    }
    return { k, m, q };
  }

  /**
   * Step 4: the scalar nodes' adjoints in the tape's reverse order, with each loop node's summed shares
   * sent at its own place in that order; into grad and the picked elements' G[p].
   */
  private scalarBackward(): string[] {
    const contribs = new Map<GNode, string[]>();
    this.m.terms.forEach((t: Term) => {
      if (!t.vector && t.root.domain === SCALAR && t.root.live) push(contribs, t.root, intLiteral(t.count));
    });
    const order = [...this.scalars, ...this.scalarShares.keys()].sort((a, b) => b.id - a.id);
    const written = new Set<number>();
    const out: string[] = [];
    for (const n of order) {
      const sent = this.scalarShares.get(n);
      if (sent) {
        for (const s of sent) push(contribs, s.operand, s.k === null ? s.sum : `${s.k} * ${s.sum}`);
        continue;
      }
      const parts = contribs.get(n);
      if (!n.live || !parts) continue;
      out.push(`const ${adj(n)} = ${parts.join(' + ')};`);
      if (n.kind === 'pick') out.push(`${gxArr(n.slot!)}[${intLiteral(n.index!)}] += ${adj(n)};`);
      if (n.kind === 'theta') {
        written.add(n.slot!);
        out.push(`grad[${intLiteral(n.slot!)}] = ${adj(n)};`);
      }
      for (const share of shares(n)) if (share.operand.live) push(contribs, share.operand, scalarShare(n, share));
    }
    for (const s of this.m.scalars) if (!written.has(s.offset)) out.push(`grad[${intLiteral(s.offset)}] = 0;`);
    return out;
  }
}

/** A scalar node's share to a scalar operand: the tape's (k g m) / q, with 1 for a missing factor. */
function scalarShare(n: GNode, s: Share): string {
  const g = adj(n);
  let t = s.k === 1 ? g : `${numberLiteral(s.k)} * ${g}`;
  if (s.m) t = `${t} * ${'deriv' in s.m ? `(${derivSource(s.m, name(s.m.of.a!), name(s.m.of), expOf(s.m.of), s.m.of.b ? name(s.m.of.b) : '')})` : name(s.m)}`;
  if (s.q) t = `(${t}) / ${name(s.q)}`;
  return t;
}

