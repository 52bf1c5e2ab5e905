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

/**
 * A hand-written centred hierarchy: a vector `theta[g] ~ Normal(mu, tau)` (or `Normal(0, tau)`) whose only
 * density term is that one, tau a positive scalar parameter and mu an unconstrained one (or 0).
 */
function writtenBlocks(ir: ModelIR): Hierarchy[] {
  const out: Hierarchy[] = [];
  ir.params.forEach((p, i) => {
    if (p.block || !p.factor || p.transform.kind !== 'identity') return;
    const terms = ir.priors.filter((t) => t.param === i);
    if (terms.length !== 1 || terms[0].dist.name !== 'Normal' || terms[0].form !== terms[0].dist.forms[0]) return;
    const [mean, scale] = terms[0].args;
    const s = paramRef(scale);
    const m = paramRef(mean);
    const zeroMean = mean.op === 'const' && mean.value === 0;
    if (s === undefined || !isScale(ir, s) || !(zeroMean || (m !== undefined && m !== i && isLocation(ir, m)))) return;
    out.push({
      effects: [coordsOf(p)],
      written: 'centred',
      scales: [ir.params[s].offset],
      locations: [zeroMean ? -1 : ir.params[m!].offset],
      locationIn: 'prior',
      correlation: -1,
    });
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
