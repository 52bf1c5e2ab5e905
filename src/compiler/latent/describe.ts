import { dependsOnParams, paramsOf, type ModelIR } from '../ir.js';
import { affineForms, type LatentKind } from './recognise.js';

/** One random-effect vector of the latent field, as `ppl check` lists it. */
export interface RandomBlock {
  readonly name: string;
  readonly kind: LatentKind;
  readonly factor?: string;
  readonly size: number;
  /** The hyperparameters its prior scale (centred) or its coefficients (non-centred, correlated) read. */
  readonly scales: readonly string[];
}

export interface FieldDescription {
  readonly random: readonly RandomBlock[];
  /** Fixed effects of the field (Normal or flat priors, entering linearly). */
  readonly linear: readonly string[];
  /** Everything else: what nested Laplace integrates over by its grid, and ML maximises. */
  readonly hyper: readonly string[];
}

export function describeField(ir: ModelIR): FieldDescription {
  const inX = ir.params.map((p) => p.latent === true || p.linear === true);
  const forms = affineForms(ir, inX);
  const random = ir.params.flatMap((p, i): RandomBlock[] => {
    if (!p.latent || !p.latentKind) return [];
    const sources = p.latentKind === 'centred'
      ? ir.priors.filter((t) => t.param === i).map((t) => t.args[1])
      : forms.flatMap((f) => f.terms.filter((t) => t.param === i).map((t) => t.coef));
    const scales = new Set<string>();
    for (const e of sources) if (dependsOnParams(e)) for (const q of paramsOf(e)) scales.add(ir.params[q].name);
    return [{ name: p.name, kind: p.latentKind, factor: p.factor?.split('|')[0], size: p.size, scales: [...scales] }];
  });
  return {
    random,
    linear: ir.params.filter((p) => p.linear).map((p) => p.name),
    hyper: ir.params.filter((_, i) => !inX[i]).map((p) => p.name),
  };
}
