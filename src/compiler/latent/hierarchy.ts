import type { Hierarchy } from '../../core/log_density.js';
import type { IrExpr, IrParam, ModelIR } from '../ir.js';

const coordsOf = (p: IrParam): number[] => Array.from({ length: p.size }, (_, k) => p.offset + k);

/** A scalar parameter whose value is exp(theta): a scale a hierarchy can be reparametrised with. */
const isScale = (ir: ModelIR, i: number): boolean => {
  const p = ir.params[i];
  return p.size === 1 && p.transform.kind === 'lower' && p.transform.lo === 0;
};
const isLocation = (ir: ModelIR, i: number): boolean => ir.params[i].size === 1 && ir.params[i].transform.kind === 'identity';
const paramRef = (e: IrExpr): number | undefined => (e.op === 'param' ? e.param : undefined);

/** The formula's blocks, from the expander's marks: one hierarchy per `(terms | g)` and grouping. */
function formulaBlocks(ir: ModelIR): Hierarchy[] {
  const byKey = new Map<string, IrParam[]>();
  for (const p of ir.params) if (p.block) byKey.set(p.block.key, [...(byKey.get(p.block.key) ?? []), p]);
  const out: Hierarchy[] = [];
  for (const members of byKey.values()) {
    const terms = [...members].sort((a, b) => a.block!.term - b.block!.term);
    if (!terms.every((t) => isScale(ir, t.block!.scale))) continue;
    const standardised = terms[0].block!.correlation !== undefined;
    const cor = terms[0].block!.correlation;
    out.push({
      effects: terms.map(coordsOf),
      written: standardised ? 'standardised' : 'centred',
      scales: terms.map((t) => ir.params[t.block!.scale].offset),
      locations: terms.map((t) => (t.block!.location !== undefined && isLocation(ir, t.block!.location) ? ir.params[t.block!.location].offset : -1)),
      locationIn: 'predictor',
      correlation: cor !== undefined && ir.params[cor].transform.kind === 'bounded' ? ir.params[cor].offset : -1,
    });
  }
  return out;
}

/** A place a parameter is read: the reading node and the chain of its ancestors (nearest last). */
interface Reading {
  readonly node: IrExpr;
  readonly path: readonly IrExpr[];
}

/** Each place a parameter is read in the likelihoods' arguments. */
function occurrences(ir: ModelIR, param: number): Reading[] {
  const out: Reading[] = [];
  const walk = (e: IrExpr, path: IrExpr[]): void => {
    if ((e.op === 'param' || e.op === 'gather' || e.op === 'level') && e.param === param) {
      out.push({ node: e, path });
      return;
    }
    const next = [...path, e];
    if (e.op === 'neg' || e.op === 'call') walk(e.arg, next);
    else if (e.op === 'bin') {
      walk(e.a, next);
      walk(e.b, next);
    }
  };
  for (const lik of ir.likelihoods) for (const a of lik.args) walk(a, []);
  return out;
}

/** The leaves of the '+' chain that `term` is a summand of (the term's own subtree excluded). */
function sumSiblings(path: readonly IrExpr[], term: IrExpr): IrExpr[] {
  let k = path.length - 1;
  let child = term;
  while (k >= 0 && path[k].op === 'bin' && (path[k] as { o: string }).o === '+') {
    child = path[k];
    k--;
  }
  const leaves: IrExpr[] = [];
  const flatten = (e: IrExpr): void => {
    if (e === term) return;
    if (e.op === 'bin' && e.o === '+') {
      flatten(e.a);
      flatten(e.b);
    } else leaves.push(e);
  };
  if (child !== term) flatten(child);
  return leaves;
}

/**
 * The fixed effect the predictor adds to every reading of a hand-written effect (`a + u[g]`,
 * `(b + s * z[g]) * x`): the one scalar parameter among the summands beside it, the same at every
 * reading; -1 when there is none or it is not clear which.
 */
function predictorLocation(ir: ModelIR, readings: readonly Reading[], termOf: (r: Reading) => IrExpr): number {
  let found: number | undefined;
  for (const r of readings) {
    // The term's own ancestors: the reading's, less the term itself when the term is its parent.
    const term = termOf(r);
    const path = term === r.node ? r.path : r.path.slice(0, -1);
    const candidates = sumSiblings(path, term).map(paramRef).filter((q): q is number => q !== undefined && isLocation(ir, q));
    if (candidates.length !== 1 || (found !== undefined && found !== candidates[0])) return -1;
    found = candidates[0];
  }
  return found === undefined ? -1 : ir.params[found].offset;
}

/** The one density term of parameter i when it is a Normal with the given mean and scale, else undefined. */
function normalPrior(ir: ModelIR, i: number): { mean: IrExpr; scale: IrExpr } | undefined {
  const terms = ir.priors.filter((t) => t.param === i);
  if (terms.length !== 1 || terms[0].dist.name !== 'Normal' || terms[0].form !== terms[0].dist.forms[0]) return undefined;
  return { mean: terms[0].args[0], scale: terms[0].args[1] };
}

/**
 * Hand-written hierarchies, one term each. Centred: a vector `theta[g] ~ Normal(mu, tau)` (the location
 * its prior's mean) or `u[g] ~ Normal(0, tau)` (the location, if any, the fixed effect beside it in the
 * predictor), tau a positive scalar parameter. Non-centred: `z[g] ~ Normal(0, 1)` read only as `s * z[g]`
 * with s a positive scalar parameter.
 */
function writtenBlocks(ir: ModelIR): Hierarchy[] {
  const out: Hierarchy[] = [];
  ir.params.forEach((p, i) => {
    if (p.block || !p.factor || p.transform.kind !== 'identity') return;
    const prior = normalPrior(ir, i);
    if (!prior) return;
    const { mean, scale } = prior;
    const zeroMean = mean.op === 'const' && mean.value === 0;
    const readings = occurrences(ir, i);
    if (readings.length === 0) return;
    if (scale.op === 'const' && scale.value === 1 && zeroMean) {
      // Non-centred by hand: every reading is s * z[g] with the same scale s.
      const scales = readings.map(({ path }) => {
        const parent = path[path.length - 1];
        if (!parent || parent.op !== 'bin' || parent.o !== '*') return undefined;
        return paramRef(parent.a) ?? paramRef(parent.b);
      });
      const s0 = scales[0];
      if (s0 === undefined || !isScale(ir, s0) || !scales.every((q) => q === s0)) return;
      out.push({
        effects: [coordsOf(p)], written: 'standardised', scales: [ir.params[s0].offset],
        locations: [predictorLocation(ir, readings, (r) => r.path[r.path.length - 1])], locationIn: 'predictor', correlation: -1,
      });
      return;
    }
    const s = paramRef(scale);
    const m = paramRef(mean);
    if (s === undefined || !isScale(ir, s) || !(zeroMean || (m !== undefined && m !== i && isLocation(ir, m)))) return;
    if (zeroMean) {
      // u ~ Normal(0, tau): centred on the fixed effect the predictor adds to it, when there is one.
      out.push({ effects: [coordsOf(p)], written: 'centred', scales: [ir.params[s].offset], locations: [predictorLocation(ir, readings, (r) => r.node)], locationIn: 'predictor', correlation: -1 });
      return;
    }
    out.push({ effects: [coordsOf(p)], written: 'centred', scales: [ir.params[s].offset], locations: [ir.params[m!].offset], locationIn: 'prior', correlation: -1 });
  });
  return out;
}

/**
 * The model's hierarchies in theta coordinates: the blocks a formula made and the centred hierarchies
 * written by hand. A sampler may run each in another form (engines/reparam_density.ts); any of them is
 * the same posterior, only the geometry differs.
 */
export function hierarchiesOf(ir: ModelIR): Hierarchy[] {
  if (ir.ml) return [];
  return [...formulaBlocks(ir), ...writtenBlocks(ir)];
}
