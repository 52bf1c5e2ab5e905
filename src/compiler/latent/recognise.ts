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

/**
 * Whether argument k of a likelihood is a count's log mean (a Poisson's log_rate, a negative binomial's
 * log_mean) and no other argument reads X: where a Poisson GLM describes the predictor (count_start.ts)
 * and separation cannot happen for a column >= 0 with a positive count (aliased.ts).
 */
export function isCountLogPredictor(lik: ModelIR['likelihoods'][number], k: number, readsX: (e: IrExpr) => boolean): boolean {
  const name = lik.form.args[k]?.name;
  return lik.dist.discrete && (name === 'log_rate' || name === 'log_mean') && lik.args.every((a, j) => j === k || !readsX(a));
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
      // X through one affine predictor inside non-linear arguments (a Gamma's rate shape * exp(-eta), a
      // Beta's phi * inv_logit(+-eta)): each row's likelihood is still a function of one scalar in X.
      if (sharedPredictor(lik, (q) => inX[q], sizeOf) !== undefined) continue;
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
    if (k < 0) continue;
    const shared = sharedPredictor(lik, (q) => inX[q], (q) => ir.params[q].size);
    add(shared ?? lik.args[k]);
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

/**
 * The one affine predictor through which a likelihood reads X when its arguments are non-linear in X:
 * every maximal X-reading sub-expression that is affine in X, over all arguments, is the same expression
 * up to a sign. Undefined when there is none such (an argument affine in X is the ordinary case, and
 * two different predictors, or X read non-affinely at the leaves, are not a field).
 */
export function sharedPredictor(lik: ModelIR['likelihoods'][number], inX: (q: number) => boolean, sizeOf: (q: number) => number): IrExpr | undefined {
  const readsX = (e: IrExpr): boolean => dependsOnParams(e) && [...paramsOf(e)].some(inX);
  const found: IrExpr[] = [];
  let ok = true;
  const visit = (e: IrExpr): void => {
    if (!ok || !readsX(e)) return;
    if (!(affineIn(e, inX, sizeOf) instanceof NotAffine)) {
      found.push(e.op === 'neg' ? e.arg : e);
      return;
    }
    switch (e.op) {
      case 'neg':
      case 'call':
        visit(e.arg);
        return;
      case 'bin':
        visit(e.a);
        visit(e.b);
        return;
      default:
        ok = false; // an X parameter read other than affinely at a leaf
    }
  };
  const affineArgs = lik.args.filter((a) => readsX(a) && !(affineIn(a, inX, sizeOf) instanceof NotAffine));
  if (affineArgs.length === 1 && lik.args.filter(readsX).length === 1) return undefined;
  lik.args.forEach(visit);
  if (!ok || found.length === 0) return undefined;
  const key = canonical(found[0]);
  return found.every((e) => canonical(e) === key) ? found[0] : undefined;
}

/** An expression's structure without source spans, for comparing two writings of the same predictor. */
export function canonical(e: IrExpr): string {
  return JSON.stringify(e, (k, v) => (k === 'span' ? undefined : v));
}
