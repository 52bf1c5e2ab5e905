import { dependsOnParams, paramsOf, type IrExpr, type ModelIR } from '../ir.js';
import { affineIn, NotAffine, type Affine } from './affine.js';

/**
 * How a random-effect vector is written: `u ~ Normal(0, sigma)` (centred), `u = sigma * z` with
 * `z ~ Normal(0, 1)` (non-centred), or the standardised effects of a correlated block (`(1 + x | g)`,
 * or a Cholesky factor written by hand, which is non-centred with coefficients from several scales).
 */
export type LatentKind = 'centred' | 'non-centred' | 'correlated';

/**
 * The latent Gaussian field of a model (the structure INLA, TMB and lme4 exploit): the parameters X that,
 * given the others (the hyperparameters), have a Gaussian prior (Normal terms whose means are affine in X
 * and whose scales do not read X, or no prior at all) and enter every likelihood through one argument
 * that is affine in X. Among them the random effects are those whose prior scale, or whose coefficient in
 * the linear predictor, depends on a hyperparameter; the rest (fixed effects with Normal or flat priors)
 * are `linear`. Nothing here depends on how the model was written: a formula, a centred or a non-centred
 * hand-written hierarchy give the same field.
 */
export interface LatentRoles {
  readonly inX: readonly boolean[];
  readonly random: readonly boolean[];
  readonly kind: readonly (LatentKind | undefined)[];
}

/** The argument of a likelihood that carries X (its linear predictor), when one does. */
export function predictorArg(lik: ModelIR['likelihoods'][number], readsX: (e: IrExpr) => boolean): number {
  const reading = lik.args.map((a, j) => (readsX(a) ? j : -1)).filter((j) => j >= 0);
  if (reading.length === 0) return -1;
  const score = lik.form.score?.arg;
  return score !== undefined && reading.includes(score) ? score : reading[0];
}

export function analyseLatent(ir: ModelIR): LatentRoles {
  const priorsOf = (p: number) => ir.priors.filter((t) => t.param === p);
  const isNormal = (t: ModelIR['priors'][number]): boolean => t.dist.name === 'Normal' && t.form === t.dist.forms[0];
  const inX = ir.params.map((p, i) => p.transform.kind === 'identity' && priorsOf(i).every(isNormal));
  const sizeOf = (p: number): number => ir.params[p].size;
  const readsX = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some((q) => inX[q]);
  const drop = (ps: Iterable<number>): boolean => {
    let changed = false;
    for (const q of ps) {
      if (inX[q]) {
        inX[q] = false;
        changed = true;
      }
    }
    return changed;
  };
  const dropIn = (e: IrExpr): boolean => drop([...paramsOf(e)].filter((q) => inX[q]));
  const requireAffine = (e: IrExpr): boolean => {
    const a = affineIn(e, (q) => inX[q], sizeOf);
    return a instanceof NotAffine ? drop(a.culprits) : false;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const t of ir.priors) {
      if (!inX[t.param]) {
        // A hyperparameter's prior that reads X would make the field's density non-Gaussian.
        for (const a of t.args) if (readsX(a)) changed = dropIn(a) || changed;
        continue;
      }
      const [mean, scale] = t.args;
      if (readsX(scale)) changed = dropIn(scale) || changed;
      if (readsX(mean)) changed = requireAffine(mean) || changed;
    }
    for (const lik of ir.likelihoods) {
      const k = predictorArg(lik, readsX);
      if (k < 0) continue;
      lik.args.forEach((a, j) => {
        if (j !== k && readsX(a)) changed = dropIn(a) || changed;
      });
      if (readsX(lik.args[k])) changed = requireAffine(lik.args[k]) || changed;
    }
  }
  return classify(ir, inX, readsX);
}

/** The affine forms of every expression that carries X: each likelihood's predictor and each X prior's mean. */
export function affineForms(ir: ModelIR, inX: readonly boolean[]): Affine[] {
  const readsX = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some((q) => inX[q]);
  const forms: Affine[] = [];
  const add = (e: IrExpr): void => {
    const a = affineIn(e, (q) => inX[q], (q) => ir.params[q].size);
    if (!(a instanceof NotAffine)) forms.push(a);
  };
  for (const lik of ir.likelihoods) {
    const k = predictorArg(lik, readsX);
    if (k >= 0) add(lik.args[k]);
  }
  for (const t of ir.priors) if (inX[t.param] && readsX(t.args[0])) add(t.args[0]);
  return forms;
}

function classify(ir: ModelIR, inX: boolean[], readsX: (e: IrExpr) => boolean): LatentRoles {
  const forms = affineForms(ir, inX);
  const kind = ir.params.map((p, i): LatentKind | undefined => {
    if (!inX[i]) return undefined;
    const priors = ir.priors.filter((t) => t.param === i);
    if (p.latentKind === 'correlated') return 'correlated';
    if (priors.some((t) => dependsOnParams(t.args[1]) && !readsX(t.args[1]))) return 'centred';
    const terms = forms.flatMap((f) => f.terms.filter((t) => t.param === i));
    const scaled = terms.length > 0 && terms.every((t) => dependsOnParams(t.coef));
    if (p.factor !== undefined && priors.length > 0 && scaled) return 'non-centred';
    return undefined;
  });
  return { inX, random: kind.map((k) => k !== undefined), kind };
}

/** Marks the random effects (`latent`, with their kind) and the linear fixed effects on the IR's parameters. */
export function markLatent(ir: ModelIR): ModelIR {
  const roles = analyseLatent(ir);
  return {
    ...ir,
    params: ir.params.map((p, i) => ({
      ...p,
      latent: roles.random[i] || undefined,
      latentKind: roles.kind[i],
      linear: (roles.inX[i] && !roles.random[i]) || undefined,
    })),
  };
}
