import { GlimmerError, type Diagnostic } from '../core/errors.js';
import type { Program, ParamDecl, DistCall, Ident } from '../language/ast.js';
import { suggest } from '../language/suggest.js';
import { COLUMN_TYPES, type ColumnSpec, type ColumnType, type DataTable, type FactorColumn } from '../data/table.js';
import { IDENTITY, describeTransform, type Transform } from '../bijectors/transforms.js';
import { DISTRIBUTION_NAMES, findDistribution, type DistSpec, type Form } from '../distributions/catalog.js';
import { FAMILIES } from './formula/family_likelihood.js';
import { compareRange, overlap, readConstraint, supportTransform } from './constraints.js';
import { matchDistribution } from './dist_args.js';
import { dependsOnParams, type IrExpr, type IrGenerated, type IrLikelihood, type IrParam, type IrPrior, type ModelIR } from './ir.js';
import { lowerExpr } from './lower_expr.js';
import { expandGenerated } from './generated_vectors.js';
import { markLatent } from './latent/recognise.js';
import { formulaOverride, isFamily, lowerFormulas } from './formula/lower_formula.js';
import { hoistDataExprs } from './hoist.js';
import { checkLikelihoodData } from './data_support.js';
import { report, type Context, type Scope } from './scope.js';
import { satisfies, signOf } from './sign.js';

/** The columns the data block declares, checked for known types and duplicates. */
export function columnSpecs(program: Program): { specs: ColumnSpec[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const specs: ColumnSpec[] = [];
  for (const c of program.data?.columns ?? []) {
    const type = c.type.name;
    if (!(COLUMN_TYPES as readonly string[]).includes(type)) {
      const close = suggest(type, COLUMN_TYPES);
      diagnostics.push({ code: 'E211', message: `unknown column type '${type}'`, span: c.type.span,
        hint: close !== undefined ? `did you mean '${close}'?` : `column types: ${COLUMN_TYPES.join(', ')}` });
      continue;
    }
    if (specs.some((s) => s.name === c.name.name)) {
      diagnostics.push({ code: 'E207', message: `column '${c.name.name}' is declared twice`, span: c.name.span });
      continue;
    }
    specs.push({ name: c.name.name, type: type as ColumnType, span: c.name.span });
  }
  return { specs, diagnostics };
}

/** Checks a parsed program against its data and lowers it to the IR the emitters consume. */
export function lowerProgram(program: Program, table: DataTable): ModelIR {
  // Formulas add derived columns (contrasts, crossed factors, products) to a copy of the table's.
  const columns = new Map(table.columns);
  const scope: Scope = { file: program.file, columns, params: [], paramIndex: new Map(), locals: new Map(), vectors: new Map(), failed: new Set(), diagnostics: [], notes: [] };
  const likelihoods: IrLikelihood[] = [];
  const formulas = lowerFormulas(program, scope);
  likelihoods.push(...formulas.likelihoods);
  const overridden = new Set<number>();
  declareParams(program.parameters.filter((d) => !formulaOverride(d, scope, formulas.created, overridden)), scope, { ...table, columns });
  const priors: IrPrior[] = formulas.defaults.filter((t) => !overridden.has(t.param));
  for (const decl of program.parameters) {
    const p = scope.paramIndex.get(decl.name.name);
    if (p === undefined || !decl.prior) continue;
    const term = lowerPriorTerm(p, decl.prior, scope);
    if (term) priors.push(term);
  }
  for (const stmt of program.model) {
    if (stmt.kind === 'sample' && isFamily(stmt.dist.name.name)) continue;
    if (stmt.kind === 'assign') {
      if (checkFresh(stmt.name, scope)) {
        const e = lowerExpr(stmt.value, scope, 'model');
        if (e) scope.locals.set(stmt.name.name, e);
        else scope.failed.add(stmt.name.name);
      }
      continue;
    }
    const target = stmt.target.name;
    const p = scope.paramIndex.get(target);
    if (p !== undefined) {
      const term = lowerPriorTerm(p, stmt.dist, scope);
      if (term) priors.push(term);
      continue;
    }
    const lik = lowerLikelihood(stmt.target, stmt.dist, scope);
    if (lik) likelihoods.push(lik);
  }
  // The model block's definitions stay visible: a generated quantity may read them (`mu = exp(eta)`), and
  // one of the same name replaces it from there on (as before they were visible, when the names were free).
  const definitions = new Set(scope.locals.keys());
  // The formula's data-scale random effects first: reported with the parameters, before the user's quantities.
  const generated: IrGenerated[] = [...formulas.derived];
  for (const g of program.generated) {
    const shadows = definitions.delete(g.name.name);
    if (shadows) scope.locals.delete(g.name.name);
    if (!checkFresh(g.name, scope)) continue;
    const e = lowerExpr(g.value, scope, 'generated');
    const expanded = e && expandGenerated(g, e, scope, table.nRows);
    if (!e || !expanded) {
      scope.failed.add(g.name.name);
      continue;
    }
    if (expanded.vector) scope.vectors?.set(g.name.name, expanded.vector);
    else scope.locals.set(g.name.name, e);
    generated.push(...expanded.quantities);
  }
  if (scope.diagnostics.length > 0) throw new GlimmerError(scope.diagnostics);
  const numeric = new Map<string, Float64Array>();
  for (const [name, col] of columns) if (col.kind === 'numeric') numeric.set(name, col.values);
  const factors = new Map<string, { levels: readonly string[]; codes: Int32Array }>();
  for (const [name, col] of columns) if (col.kind === 'factor') factors.set(name, { levels: col.levels, codes: col.codes });
  const hoisted = likelihoods.map((l) => ({ ...l, args: l.args.map((a) => hoistDataExprs(a, numeric, table.nRows)) }));
  const dataErrors = hoisted.flatMap((l) => checkLikelihoodData(l, numeric, table, program.file));
  if (dataErrors.length > 0) throw new GlimmerError(dataErrors);
  const dim = scope.params.reduce((n, p) => n + p.size, 0);
  return markLatent({
    file: program.file, params: scope.params, dim, priors, likelihoods: hoisted, generated,
    data: { file: table.file, nRows: table.nRows, numeric, factors }, ...(scope.notes?.length ? { notes: scope.notes } : {}),
  });
}

/** Count likelihoods need count (or 0/1) columns, Bernoulli needs 0/1; the values themselves are checked later. */
export function responseFits(target: Ident, type: string, dist: DistSpec, span: Ident['span'], scope: Scope): boolean {
  const need = dist.support;
  const fits = need === 'count' ? ['count', 'binary'].includes(type) : need === 'binary' ? type === 'binary' : true;
  if (!fits) {
    report(scope, 'E210', `${dist.name} needs ${need === 'count' ? 'counts' : '0/1 values'} but '${target.name}' is declared '${type}'`,
      span, `declare '${target.name}: ${need}' in the data block`);
  }
  return fits;
}

function checkFresh(name: Ident, scope: Scope): boolean {
  const n = name.name;
  const what = scope.locals.has(n) || scope.vectors?.has(n) ? 'already defined' : scope.paramIndex.has(n) ? 'a parameter' : scope.columns.has(n) ? 'a data column' : null;
  if (what === null) return true;
  report(scope, 'E207', `'${n}' is ${what}`, name.span, 'choose another name');
  return false;
}

function declareParams(decls: readonly ParamDecl[], scope: Scope, table: DataTable): void {
  const params = scope.params as IrParam[];
  const index = scope.paramIndex as Map<string, number>;
  let offset = params.reduce((n, p) => n + p.size, 0);
  for (const decl of decls) {
    const name = decl.name.name;
    if (index.has(name) || scope.columns.has(name)) {
      report(scope, 'E207', `'${name}' is ${index.has(name) ? 'declared twice' : 'a data column'}`, decl.name.span, 'choose another name');
      continue;
    }
    let factor: string | undefined;
    let levels: readonly string[] | undefined;
    if (decl.index) {
      const col = table.columns.get(decl.index.name);
      if (col?.kind !== 'factor') {
        const factors = [...table.columns.values()].filter((c) => c.kind === 'factor').map((c) => c.name);
        const close = suggest(decl.index.name, factors);
        scope.failed.add(name);
        report(scope, 'E213', col ? `'${decl.index.name}' is not a factor column` : `unknown factor '${decl.index.name}'`, decl.index.span,
          close !== undefined ? `did you mean '${close}'?` : col ? `declare it '${decl.index.name}: factor' in the data block` : `factors: ${factors.join(', ') || 'none declared'}`);
        continue;
      }
      factor = col.name;
      levels = col.levels;
      if (decl.reference) {
        const coded = referenceCoding(decl, col, scope);
        if (!coded) {
          scope.failed.add(name);
          continue;
        }
        const transform = paramTransform(decl, scope);
        if (!transform) {
          scope.failed.add(name);
          continue;
        }
        index.set(name, params.length);
        params.push({ name, factor: coded.name, levels: coded.levels, size: coded.levels.length, offset, transform, span: decl.name.span,
          reference: { factor: col.name, level: decl.reference.level } });
        offset += coded.levels.length;
        continue;
      }
    }
    const transform = paramTransform(decl, scope);
    if (!transform) {
      scope.failed.add(name);
      continue;
    }
    const size = levels?.length ?? 1;
    index.set(name, params.length);
    params.push({ name, factor, levels, size, offset, transform, span: decl.name.span });
    offset += size;
  }
}

/**
 * `b[trt, ref = "B"]`: a factor column over trt's levels but B, B's rows coded -1 (which gathers 0), as the
 * formula codes treatment contrasts; added to the scope's columns once per factor and reference.
 */
function referenceCoding(decl: ParamDecl, col: FactorColumn, scope: Scope): FactorColumn | null {
  const ref = decl.reference!;
  if (ref.option.name !== 'ref') {
    return report(scope, 'E116', `unknown index option '${ref.option.name}'`, ref.option.span, `a reference level is written ${decl.name.name}[${col.name}, ref = "${ref.level}"]`);
  }
  const level = col.levels.indexOf(ref.level);
  if (level < 0) {
    const close = suggest(ref.level, col.levels);
    return report(scope, 'E206', `'${ref.level}' is not a level of '${col.name}'`, ref.span,
      close !== undefined ? `did you mean "${close}"?` : `levels: ${col.levels.slice(0, 8).map((l) => `"${l}"`).join(', ')}${col.levels.length > 8 ? ', ...' : ''}`);
  }
  if (col.levels.length < 2) {
    return report(scope, 'E220', `factor '${col.name}' has one level ('${col.levels[0]}'), so a reference leaves no coefficient`, ref.span, `declare ${decl.name.name} without [${col.name}]`);
  }
  const name = `${col.name} (ref ${JSON.stringify(ref.level)})`;
  const known = scope.columns.get(name);
  if (known?.kind === 'factor') return known;
  const codes = Int32Array.from(col.codes, (c) => (c === level ? -1 : c > level ? c - 1 : c));
  const coded: FactorColumn = { kind: 'factor', name, levels: col.levels.filter((_, k) => k !== level), codes };
  scope.columns.set(name, coded);
  return coded;
}

/** The declared constraint, or the prior's support when none is declared. */
function paramTransform(decl: ParamDecl, scope: Scope): Transform | null {
  if (decl.constraint) return readConstraint(decl.constraint, scope);
  if (!decl.prior) return IDENTITY;
  const dist = findDistribution(decl.prior.name.name);
  if (!dist) return IDENTITY; // reported when the prior is lowered
  if (dist.support !== 'interval') return supportTransform(dist, []) ?? IDENTITY;
  const args = decl.prior.args.map((a) => lowerExpr(a.value, { ...scope, diagnostics: [] }, 'prior'));
  const t = args.length === 2 && args[0] && args[1] ? supportTransform(dist, [args[0], args[1]]) : null;
  return t ?? report(scope, 'E208', `the bounds of ${dist.name} must be numbers`, decl.prior.span, 'e.g. Uniform(0, 10)');
}

function lowerArgs(call: DistCall, scope: Scope, ctx: Context): { dist: DistSpec; form: Form; args: IrExpr[] } | null {
  const m = matchDistribution(call, scope);
  if (!m) return null;
  const args: IrExpr[] = [];
  let ok = true;
  m.form.args.forEach((spec, i) => {
    const e = lowerExpr(m.args[i], scope, ctx);
    if (!e) {
      ok = false;
      return;
    }
    if (!satisfies(signOf(e, scope.params, scope.columns), spec.support)) {
      ok = false;
      const what = spec.support === 'positive' ? 'positive' : spec.support === 'unit' ? 'between 0 and 1' : 'a non-negative count';
      const shown = e.op === 'const' ? `, got ${e.value}` : '';
      report(scope, 'E209', `'${spec.name}' of ${m.dist.name} must be ${what}${shown}`, m.args[i].span,
        e.op === 'const' ? undefined : spec.support === 'positive' ? "use a positive parameter (declare it 'positive' or give it a positive prior) or exp(...)" : spec.support === 'unit' ? 'use inv_logit(...) or a bounded(0, 1) parameter' : 'use a count column');
      return;
    }
    args.push(e);
  });
  return ok ? { dist: m.dist, form: m.form, args } : null;
}

function lowerPriorTerm(p: number, call: DistCall, scope: Scope): IrPrior | null {
  const m = lowerArgs(call, scope, 'prior');
  if (!m) return null;
  let param = scope.params[p];
  if (m.dist.discrete) {
    return report(scope, 'E210', `${m.dist.name} is a distribution of counts; '${param.name}' is continuous`, call.name.span,
      'parameters take continuous priors such as Normal, HalfNormal or Gamma');
  }
  const support = supportTransform(m.dist, m.args);
  if (!support) return report(scope, 'E208', `the bounds of ${m.dist.name} must be numbers`, call.span);
  let fit = compareRange(param.transform, support);
  const narrowed = fit === 'outside' ? overlap(param.transform, support) : null;
  if (narrowed) {
    // As Stan: the prior's density is 0 outside its support, so the posterior lives where both allow.
    // The parameter is declared over that part, which is the same posterior with no region of zero density.
    scope.notes?.push(`'${param.name}' is declared ${describeTransform(param.transform)} but its prior ${m.dist.name} is defined on ` +
      `${describeTransform(support)}: it is fitted on ${describeTransform(narrowed)}, where both allow it (the posterior is the same)`);
    param = scope.params[p] = { ...param, transform: narrowed };
    fit = compareRange(narrowed, support);
  }
  if (fit === 'outside') {
    return report(scope, 'E208', `'${param.name}' is ${describeTransform(param.transform)} but ${m.dist.name} is defined on ${describeTransform(support)}`,
      call.name.span, `declare '${param.name}: ${describeTransform(support)}' or choose a prior defined where '${param.name}' lives`);
  }
  if (fit === 'inside' && m.args.some(dependsOnParams)) {
    return report(scope, 'E208', `truncating ${m.dist.name} to ${describeTransform(param.transform)} needs a normalising constant that depends on parameters`,
      call.span, 'use a prior whose support matches the constraint (e.g. HalfNormal for a positive scale)');
  }
  if (m.args.some((a) => paramsOfIncludes(a, p))) {
    return report(scope, 'E205', `the prior of '${param.name}' refers to '${param.name}' itself`, call.span);
  }
  return { param: p, dist: m.dist, form: m.form, args: m.args };
}

function paramsOfIncludes(e: IrExpr, p: number): boolean {
  switch (e.op) {
    case 'param':
    case 'level':
    case 'gather':
      return e.param === p;
    case 'neg':
    case 'call':
      return paramsOfIncludes(e.arg, p);
    case 'bin':
      return paramsOfIncludes(e.a, p) || paramsOfIncludes(e.b, p);
    default:
      return false;
  }
}

function lowerLikelihood(target: Ident, call: DistCall, scope: Scope): IrLikelihood | null {
  const col = scope.columns.get(target.name);
  if (!col) {
    if (scope.locals.has(target.name)) {
      return report(scope, 'E210', `'${target.name}' is a definition; only data columns and parameters can be modelled with '~'`, target.span);
    }
    const close = suggest(target.name, [...scope.columns.keys(), ...scope.params.map((p) => p.name)]);
    return report(scope, 'E201', `unknown name '${target.name}'`, target.span,
      close !== undefined ? `did you mean '${close}'?` : 'the left of ~ is a data column (a likelihood) or a parameter (a prior)');
  }
  if (col.kind === 'factor') return report(scope, 'E210', `'${target.name}' is a factor and cannot be modelled`, target.span);
  if (/^[a-z]/.test(call.name.name) && !findDistribution(call.name.name)) {
    const close = suggest(call.name.name, [...FAMILIES, ...DISTRIBUTION_NAMES]);
    // gamma(1 + x + (1 | g)) as glmer writes Gamma: the distribution exists, but only in block form, where
    // its arguments are its own (shape, rate), not a formula; say so instead of sending the user to E204.
    const blockOnly = close !== undefined && !(FAMILIES as readonly string[]).includes(close);
    return report(scope, 'E220', `unknown family '${call.name.name}'`, call.name.span,
      blockOnly
        ? `formula families are ${FAMILIES.join(', ')}; '${close}' is a distribution, written in block form with its own arguments ` +
          `(parameters { ... } and model { ${target.name} ~ ${close}(...) }: see docs/language.md, "Distributions")`
        : close !== undefined ? `did you mean '${close}'?` : `formula families: ${FAMILIES.join(', ')}; distributions are capitalised (Normal, Poisson, ...)`);
  }
  const m = lowerArgs(call, scope, 'model');
  if (!m) return null;
  if (!responseFits(target, col.type, m.dist, call.name.span, scope)) return null;
  if (m.form.dataTerm) {
    for (const name of m.form.dataTerm.args) {
      const arg = m.args[m.form.args.findIndex((a) => a.name === name)];
      if (dependsOnParams(arg)) return report(scope, 'E209', `'${name}' of ${m.dist.name} must be data, not a function of parameters`, call.span);
    }
  }
  return { column: target.name, dist: m.dist, form: m.form, args: m.args, span: call.span };
}
