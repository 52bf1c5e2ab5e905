import type { Program, ParamDecl, SampleStmt } from '../../language/ast.js';
import { suggest } from '../../language/suggest.js';
import type { IrExpr, IrGenerated, IrLikelihood, IrPrior } from '../ir.js';
import { isHostComputable, lowerExpr } from '../lower_expr.js';
import type { Span } from '../../core/errors.js';
import { report, type Scope } from '../scope.js';
import { responseFits } from '../lower.js';
import { expandFormula } from './expand.js';
import { FAMILIES, type Family } from './family_likelihood.js';
import { FormulaError, readFormula } from './terms.js';
import { addDerivedColumns, onRows } from './derived_columns.js';

export const isFamily = (name: string): name is Family => (FAMILIES as readonly string[]).includes(name);

/**
 * Lowers every `y ~ family(formula)` statement of the model block: they run before the parameters
 * block is read, so that a declaration there can give a formula parameter its own prior.
 */
export function lowerFormulas(program: Program, scope: Scope): { likelihoods: IrLikelihood[]; defaults: IrPrior[]; derived: IrGenerated[]; created: Set<number> } {
  const likelihoods: IrLikelihood[] = [];
  const defaults: IrPrior[] = [];
  const derived: IrGenerated[] = [];
  const before = scope.params.length;
  const formulas = program.model.filter((stmt) => stmt.kind === 'sample' && isFamily(stmt.dist.name.name));
  for (const stmt of program.model) {
    if (stmt.kind !== 'sample' || !isFamily(stmt.dist.name.name)) continue;
    const out = lowerFormula(stmt, stmt.dist.name.name, scope, formulas.length > 1);
    if (!out) continue;
    likelihoods.push(out.likelihood);
    defaults.push(...out.defaults);
    derived.push(...out.derived);
  }
  const created = new Set(Array.from({ length: scope.params.length - before }, (_, k) => before + k));
  return { likelihoods, defaults, derived, created };
}

function lowerFormula(stmt: SampleStmt, family: Family, scope: Scope, several: boolean) {
  const col = scope.columns.get(stmt.target.name);
  if (!col || col.kind !== 'numeric') {
    const close = suggest(stmt.target.name, [...scope.columns.keys()]);
    return report(scope, 'E210', col ? `'${stmt.target.name}' is a factor and cannot be modelled` : `unknown column '${stmt.target.name}'`, stmt.target.span,
      close !== undefined && !col ? `did you mean '${close}'?` : undefined);
  }
  const positional = stmt.dist.args.filter((a) => !a.name);
  const named = stmt.dist.args.filter((a) => a.name);
  if (positional.length !== 1) {
    return report(scope, 'E220', `${family}() takes one formula`, stmt.dist.span, `e.g. ${stmt.target.name} ~ ${family}(1 + x + (1 | g))`);
  }
  for (const [k, a] of named.entries()) {
    const name = a.name!.name;
    if (named.findIndex((b) => b.name!.name === name) < k) return report(scope, 'E204', `argument '${name}' is given twice`, a.name!.span);
    if (name === 'link' && LINKS[family]) {
      const link = a.value.kind === 'str' ? a.value.value : undefined;
      if (link !== LINKS[family]) {
        return report(scope, 'E220', `${family}() takes link = "${LINKS[family]}"${link === undefined ? ', a string' : `, not "${link}"`}`, a.value.span,
          family === 'gamma' ? 'lme4\'s default Gamma link, "inverse", is not supported: the log link keeps every mean positive' : undefined);
      }
      continue;
    }
    if (name === 'weights' && family !== 'gaussian') {
      return report(scope, 'E220', `${family}() takes no weights: only gaussian does (lme4's lmer weights, a residual variance sigma^2 / w)`, a.name!.span,
        family === 'binomial' ? 'for proportions of n trials, model the successes with trials = n' : undefined);
    }
    if (name === 'weights') continue;
    if (name === 'zi' && family.startsWith('zero_inflated')) continue;
    if (name === 'hu' && family.startsWith('hurdle')) continue;
    if (name === 'hu') {
      return report(scope, 'E220', `${family}() has no hurdle formula: only hurdle_poisson and hurdle_negbinomial do`, a.name!.span,
        family.startsWith('zero_inflated') ? "a zero-inflated family's formula for its zeros is zi = ..." : undefined);
    }
    if (name === 'zi') {
      return report(scope, 'E220', `${family}() has no zero-inflation formula: only zero_inflated_poisson and zero_inflated_negbinomial do`, a.name!.span,
        family === 'poisson' || family === 'negative_binomial' ? `write ${family === 'poisson' ? 'zero_inflated_poisson' : 'zero_inflated_negbinomial'}(..., zi = ...)` : undefined);
    }
    if (name !== 'trials' || family !== 'binomial') {
      return report(scope, 'E220', `${family}() has no argument '${name}'`, a.name!.span,
        family === 'binomial' ? "binomial takes 'trials = n'" : LINKS[family] ? `${family} takes 'link = "${LINKS[family]}"'` : undefined);
    }
  }
  // glmer's and brms's Gamma default to the inverse link: a gamma() formula says which link it means.
  if (family === 'gamma' && !named.some((a) => a.name!.name === 'link')) {
    return report(scope, 'E220', 'gamma() needs its link written out: link = "log"', stmt.dist.span,
      `write ${stmt.target.name} ~ gamma(..., link = "log"); lme4's and brms's default, "inverse", is not supported`);
  }
  try {
    const formula = readFormula(positional[0].value);
    const lowerData = (e: Parameters<typeof lowerExpr>[0]): IrExpr => {
      const ir = lowerExpr(e, scope, 'model');
      if (!ir) throw new Silent();
      return ir;
    };
    addDerivedColumns(formula.derived, scope.columns, lowerData);
    const offsets = formula.offsets.map(lowerData);
    const trialsArg = named.find((a) => a.name!.name === 'trials');
    const trials = trialsArg ? lowerData(trialsArg.value) : undefined;
    const weightsArg = named.find((a) => a.name!.name === 'weights');
    const weights = weightsArg ? lowerData(weightsArg.value) : undefined;
    if (weights && weightsArg) checkWeights(weights, scope, weightsArg.value.span);
    const zeroArg = named.find((a) => a.name!.name === 'zi' || a.name!.name === 'hu');
    const zeroFormula = zeroArg ? readFormula(zeroArg.value) : undefined;
    if (zeroFormula) addDerivedColumns(zeroFormula.derived, scope.columns, lowerData);
    const zeroPart = zeroArg && zeroFormula ? { name: zeroArg.name!.name as 'zi' | 'hu', formula: zeroFormula, span: zeroArg.value.span } : undefined;
    const out = expandFormula(formula, family, stmt.target.name, { trials, offsets, weights, zeroPart }, scope, stmt.dist.span, several);
    if (!responseFits(stmt.target, col.type, out.likelihood.dist, stmt.dist.name.span, scope)) return null;
    return out;
  } catch (e) {
    if (e instanceof Silent) return null;
    if (e instanceof FormulaError) return report(scope, 'E220', e.message, e.span, e.hint);
    throw e;
  }
}

/** The link each family takes, where it may be written (`link = "log"`); each family has the one. */
const LINKS: Partial<Record<Family, string>> = {
  poisson: 'log', negative_binomial: 'log', bernoulli: 'logit', binomial: 'logit', gaussian: 'identity',
  gamma: 'log', lognormal: 'identity', student: 'identity', beta: 'logit', zero_inflated_poisson: 'log', zero_inflated_negbinomial: 'log',
  hurdle_poisson: 'log', hurdle_negbinomial: 'log',
};

/** Weights are data, finite and positive in every row (lme4: "negative weights not allowed"). */
function checkWeights(w: IrExpr, scope: Scope, span: Span): void {
  if (!isHostComputable(w)) throw new FormulaError('weights must be data, not parameters', span);
  const values = onRows(w, scope.columns);
  const bad = values.findIndex((x) => !(x > 0 && Number.isFinite(x)));
  if (bad >= 0) throw new FormulaError(`the weights are ${values[bad]} at data row ${bad + 1}`, span, 'weights must be positive and finite in every row');
}

/** Thrown after a diagnostic was already reported. */
class Silent extends Error {}

/**
 * A parameters-block declaration named like a formula parameter (`sd_patient_assignment ~ HalfNormal(2)`)
 * replaces that parameter's default prior instead of declaring a new parameter.
 */
export function formulaOverride(decl: ParamDecl, scope: Scope, created: ReadonlySet<number>, overridden: Set<number>): boolean {
  const p = scope.paramIndex.get(decl.name.name);
  if (p === undefined || !created.has(p)) return false;
  if (decl.index || decl.constraint) {
    report(scope, 'E207', `'${decl.name.name}' is a parameter of the formula; give it only a prior`, decl.name.span, `write ${decl.name.name} ~ Distribution(...)`);
  }
  overridden.add(p);
  return true;
}
