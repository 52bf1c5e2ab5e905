import type { Span } from '../../core/errors.js';
import type { Column, FactorColumn, NumericColumn } from '../../data/table.js';
import { IDENTITY, type Transform } from '../../bijectors/transforms.js';
import { findDistribution, type DistSpec } from '../../distributions/catalog.js';
import type { IrExpr, IrGenerated, IrParam, IrPrior } from '../ir.js';
import { codings, crossFactors, isFactor, productColumn } from './columns.js';
import { FormulaError, type FixedTerm, type Formula, type RandomTerm } from './terms.js';
import type { Family } from './family_likelihood.js';

/*
 * The parameters a formula's terms make, named as lme4 names them, with their default priors: the fixed
 * effects (fixedPart), random-effect blocks and their scales and correlations (Expander.randomTerm).
 * expand.ts puts them together with the family's likelihood.
 */

/** Where the expander puts what it creates; offsets continue theta after the existing parameters. */
export interface FormulaContext {
  readonly columns: Map<string, Column>;
  readonly params: IrParam[];
  readonly paramIndex: Map<string, number>;
}

const dist = (name: string): DistSpec => findDistribution(name)!;
export const c = (value: number): IrExpr => ({ op: 'const', value });
export const add = (a: IrExpr | null, b: IrExpr): IrExpr => (a ? { op: 'bin', o: '+', a, b } : b);
const mul = (a: IrExpr, b: IrExpr): IrExpr => ({ op: 'bin', o: '*', a, b });
const safe = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

/** The most terms a correlated block `(1 + x + ... | g)` may have. */
export const MAX_CORRELATED = 6;

/** Default priors of the predictor's parameters, on the link scale (a family's own: family_likelihood.ts); `ppl check` prints them and `--ml` drops them. */
export const DEFAULT_PRIORS = {
  fixed: { dist: 'Normal', args: [0, 10] },
  sd: { dist: 'HalfNormal', args: [1] },
  correlation: { dist: 'LKJCorr', args: [2] },
} as const;

export class Expander {
  readonly defaults: IrPrior[] = [];
  readonly dataScale: IrGenerated[] = [];
  /** Fixed effects this formula created (by name), and those already taken as a block's location. */
  private readonly fixedParams = new Map<string, number>();
  private readonly locationTaken = new Set<number>();
  /**
   * With several formulas in one model, each one's parameters carry its response (`y2_b_Intercept`,
   * shown as `y2: (Intercept)`), as brms names a multivariate model's: otherwise the second intercept
   * would collide with the first.
   */
  constructor(private readonly ctx: FormulaContext, private readonly prefix?: string) {}

  /** A reported name, with the response in front when there are several formulas. */
  shown(name: string): string {
    return this.prefix ? `${this.prefix}: ${name}` : name;
  }

  /** Records a fixed effect of one scalar coefficient: a random term over the same column may centre on it. */
  fixed(name: string, p: number): void {
    this.fixedParams.set(name, p);
  }

  /**
   * The fixed effect that the predictor adds to a random term's effect (`1 + x + (1 + x | g)`: b_x for the
   * x slope), when this formula has it and no earlier block took it: the block's group coefficients are
   * then b + u, the form a sampler may centre on.
   */
  location(label: string): number | undefined {
    const p = this.fixedParams.get(label === '(Intercept)' ? 'b_Intercept' : `b_${safe(label.split(':').join('_'))}`);
    if (p === undefined || this.locationTaken.has(p)) return undefined;
    this.locationTaken.add(p);
    return p;
  }

  /**
   * The columns of a random term's model matrix, with lme4's names: the intercept, each numeric term, and
   * for a factor (`(1 + trt | site)`) one indicator column per level, treatment-coded beside an intercept
   * (or an earlier factor) and fully coded otherwise, as R codes `(0 + trt | site)`.
   */
  private randomColumns(r: RandomTerm): { labels: string[]; xs: (IrExpr | null)[] } {
    const labels: string[] = r.intercept ? ['(Intercept)'] : [];
    const xs: (IrExpr | null)[] = r.intercept ? [null] : [];
    let coded = r.intercept;
    for (const t of r.terms) {
      const cols = t.vars.map((v) => this.column(v, t.span));
      const factors = cols.filter(isFactor);
      const numerics = cols.filter((x): x is NumericColumn => !isFactor(x));
      if (factors.length === 0) {
        labels.push(t.vars.join(':'));
        xs.push(this.numeric(numerics));
        continue;
      }
      if (factors.length > 1) {
        throw new FormulaError(`an interaction of factors ('${t.vars.join(':')}') inside a random-effect term is not supported`, t.span,
          'use one factor per term, or a grouping of the crossed factors: (1 | g:f)');
      }
      const f = factors[0];
      if (f.levels.length < 2) {
        // As for a fixed term (and as lme4: "contrasts can be applied only to factors with 2 or more levels").
        throw new FormulaError(`factor '${f.name}' has ${f.levels.length === 1 ? `one level ('${f.levels[0]}')` : 'no levels'} in the data, so the random term has no column for it`,
          t.span, `drop '${t.vars.join(':')}' from the term, or check the data: a factor needs at least 2 levels`);
      }
      const levels = f.levels.map((l, k) => ({ l, k })).slice(coded ? 1 : 0);
      coded = true;
      for (const { l, k } of levels) {
        const label = t.vars.map((v) => (v === f.name ? `${f.name}${l}` : v)).join(':');
        const values = Float64Array.from(f.codes, (c) => (c === k ? 1 : 0));
        const indicator = this.derived({ kind: 'numeric', name: `${f.name}|${l}`, type: 'real', values } as NumericColumn);
        labels.push(label);
        xs.push(this.numeric([indicator, ...numerics]));
      }
    }
    return { labels, xs };
  }

  /** The (term, grouping) pairs already given random effects, to catch a term written twice. */
  private readonly randomSeen = new Set<string>();

  /**
   * A grouping that cannot carry the term: the same effect twice (`(1 | g) + (1 | g)`), or, in a gaussian
   * model, a level per row, whose random intercept is the residual itself (lme4 refuses it: "number of
   * levels of each grouping factor must be < number of observations").
   */
  private checkGrouping(r: RandomTerm, group: FactorColumn, gname: string, labels: readonly string[], family: Family): void {
    for (const l of labels) {
      const key = `${l}|${gname}`;
      if (this.randomSeen.has(key)) {
        throw new FormulaError(`the random effect of '${l}' by '${gname}' is in the formula twice`, r.span, 'write each term once: (1 | g) + (0 + x | g), or (1 + x | g)');
      }
      this.randomSeen.add(key);
    }
    const rows = group.codes.length;
    if (family === 'gaussian' && rows > 0 && group.levels.length >= rows) {
      throw new FormulaError(`'${gname}' has ${group.levels.length} levels for ${rows} rows: in a gaussian model an effect per row cannot be told apart from the residual sigma`,
        r.span, `remove the (... | ${gname}) term (lme4 refuses it too: a grouping factor needs fewer levels than rows)`);
    }
  }

  /** Marks the effects of one term of a block with their scale, location and correlation. */
  markBlock(effect: number, block: NonNullable<IrParam['block']>): void {
    this.ctx.params[effect] = { ...this.ctx.params[effect], block };
  }

  param(unprefixed: string, span: Span, o: { size?: number; factor?: FactorColumn; elementNames?: string[]; transform?: Transform; latent?: boolean }): number {
    const name = this.prefix ? `${safe(this.prefix)}_${unprefixed}` : unprefixed;
    if (this.ctx.paramIndex.has(name) || this.ctx.columns.has(name)) throw new FormulaError(`the formula needs a parameter '${name}', but that name is taken`, span);
    const offset = this.ctx.params.reduce((n, p) => n + p.size, 0);
    const size = o.factor ? o.factor.levels.length : o.size ?? 1;
    const p: IrParam = {
      name, size, offset, span, transform: o.transform ?? IDENTITY,
      ...(o.factor && { factor: o.factor.name, levels: o.factor.levels }),
      ...(o.elementNames && { elementNames: o.elementNames.map((n) => this.shown(n)) }),
      ...(o.latent && { latent: true, latentKind: 'correlated' as const }),
    };
    this.ctx.paramIndex.set(name, this.ctx.params.length);
    this.ctx.params.push(p);
    return this.ctx.params.length - 1;
  }

  prior(param: number, name: string, args: readonly IrExpr[]): void {
    const d = dist(name);
    this.defaults.push({ param, dist: d, form: d.forms[0], args });
  }

  column(name: string, span: Span): Column {
    const col = this.ctx.columns.get(name);
    if (!col) throw new FormulaError(`unknown column '${name}' in the formula`, span, `columns: ${[...this.ctx.columns.keys()].filter((k) => !k.includes('|')).join(', ')}`);
    return col;
  }

  derived<T extends Column>(col: T): T {
    if (!this.ctx.columns.has(col.name)) this.ctx.columns.set(col.name, col);
    return this.ctx.columns.get(col.name) as T;
  }

  /** The numeric product of a term's numeric variables, as a data expression. */
  numeric(cols: readonly NumericColumn[]): IrExpr | null {
    if (cols.length === 0) return null;
    const col = cols.length === 1 ? cols[0] : this.derived(productColumn(cols, cols.map((x) => x.name).join(':')));
    return { op: 'data', column: col.name };
  }

  /** One fixed term: a parameter per model-matrix column, and its contribution to the predictor. */
  fixedTerm(t: FixedTerm, coding: readonly boolean[]): IrExpr {
    const cols = t.vars.map((v) => this.column(v, t.span));
    const factors = cols.filter(isFactor);
    const numerics = cols.filter((x): x is NumericColumn => !isFactor(x));
    const x = this.numeric(numerics);
    const numName = numerics.map((n) => n.name).join(':');
    const pname = `b_${safe(t.vars.join('_'))}`;
    if (factors.length === 0) {
      const p = this.param(pname, t.span, { elementNames: [numName] });
      this.fixed(pname, p);
      this.prior(p, DEFAULT_PRIORS.fixed.dist, DEFAULT_PRIORS.fixed.args.map(c));
      return mul({ op: 'param', param: p }, x!);
    }
    const contrast = factors.map((f) => coding[cols.indexOf(f)]);
    const single = factors.find((f, j) => contrast[j] && f.levels.length < 2);
    if (single) {
      // lme4 stops here too ("contrasts can be applied only to factors with 2 or more levels"): the term would have no column.
      throw new FormulaError(`factor '${single.name}' has ${single.levels.length === 1 ? `one level ('${single.levels[0]}')` : 'no levels'} in the data, so '${t.vars.join(':')}' has no column to estimate`,
        t.span, `drop the term, or check the data: a factor needs at least 2 levels to be contrasted`);
    }
    const key = `${factors.map((f) => f.name).join(':')}|${contrast.map((b) => (b ? 'c' : 'f')).join('')}`;
    const crossed = factors.length === 1 && !contrast[0]
      ? { column: factors[0], parts: factors[0].levels.map((l) => [`${factors[0].name}${l}`]) }
      : crossFactors(factors, contrast, key);
    const fcol = this.derived(crossed.column);
    // Each column named as R names it: the term's variables in the order written, a factor's as its name
    // and level (`x * trt` gives `x:trtB`, `trt * x` gives `trtB:x`).
    const names = crossed.parts.map((parts) => t.vars.map((v) => {
      const j = factors.findIndex((f) => f.name === v);
      return j >= 0 ? parts[j] : v;
    }).join(':'));
    const p = this.param(pname, t.span, { factor: fcol, elementNames: names });
    this.prior(p, DEFAULT_PRIORS.fixed.dist, DEFAULT_PRIORS.fixed.args.map(c));
    const g: IrExpr = { op: 'gather', param: p, factor: fcol.name };
    return x ? mul(g, x) : g;
  }

  /**
   * A correlated block of K terms, non-centred: u = diag(sd) L z with z ~ N(0, I) per level and L the
   * Cholesky factor of the terms' correlation matrix. For two terms L = [[1, 0], [r, sqrt(1 - r^2)]] with
   * the correlation r a parameter (cor_g). For more, L is built row by row from canonical partial
   * correlations c_ij in (-1, 1) (Lewandowski, Kurowicka & Joe 2009; Stan's cholesky_corr transform):
   * L_i0 = c_i0, L_ij = c_ij prod_{l<j} sqrt(1 - c_il^2), L_ii = prod_{l<i} sqrt(1 - c_il^2). Each c_ij with
   * a Beta(b_j, b_j) density on (-1, 1), b_j = eta + (K - 2 - j) / 2 (LKJCorr(b_j) here), makes the
   * correlation matrix LKJ(eta); the correlations themselves, sum_l L_al L_bl, are reported as cor[g, a, b].
   */
  private correlatedBlock(o: {
    r: RandomTerm; key: string; group: FactorColumn; gl: string; gname: string; labels: readonly string[];
    sds: readonly IrExpr[]; suffix: (k: number) => string; times: (e: IrExpr, k: number) => IrExpr;
  }, predictor: IrExpr | null): IrExpr {
    const { r, group, gl, gname, labels, sds } = o;
    const K = labels.length;
    const names = (l: string): string[] => group.levels.map((lv) => `${gname}[${lv}, ${l}]`);
    const zp = labels.map((l, k) => {
      const p = this.param(`z_${gl}${o.suffix(k)}`, r.span, { factor: group, elementNames: names(l).map((n) => `z:${n}`), latent: true });
      this.prior(p, 'Normal', [c(0), c(1)]);
      return p;
    });
    const eta0 = DEFAULT_PRIORS.correlation.args[0];
    const corr = (i: number, j: number, name: string, element: string): IrExpr => {
      const p = this.param(name, r.span, { elementNames: [element], transform: { kind: 'bounded', lo: -1, hi: 1 } });
      this.prior(p, DEFAULT_PRIORS.correlation.dist, [c(eta0 + (K - 2 - j) / 2)]);
      return { op: 'param', param: p };
    };
    const sqrt1m = (e: IrExpr): IrExpr => ({ op: 'call', fn: 'sqrt', arg: { op: 'bin', o: '-', a: c(1), b: e } });
    // The partial correlations c_ij (i > j), one node each, and L_ij built afresh at each use (the
    // evaluators memoise by node, which sets the order in which gradients accumulate).
    const cpc: IrExpr[][] = [[]];
    let rho: number | undefined;
    for (let i = 1; i < K; i++) {
      cpc.push(Array.from({ length: i }, (_, j) => (K === 2
        ? corr(i, j, `cor_${gl}`, `cor[${gname}, ${labels[0]}, ${labels[1]}]`)
        : corr(i, j, `cpc_${gl}${o.suffix(i)}${o.suffix(j)}`, `cpc[${gname}, ${labels[i]}, ${labels[j]}]`))));
    }
    if (K === 2) rho = (cpc[1][0] as { param: number }).param;
    // What is left of row i's unit length after its first j entries: 1 - sum_{l<j} L_il^2, written as the
    // product of sqrt(1 - c_il^2) (the same number, Stan's cholesky_corr): a difference of sums can round
    // below 0 near a correlation of +-1 (a singular block), a product of factors in (0, 1] cannot.
    const remaining = (i: number, j: number): IrExpr => {
      let r: IrExpr = sqrt1m(mul(cpc[i][0], cpc[i][0]));
      for (let l = 1; l < j; l++) r = mul(r, sqrt1m(mul(cpc[i][l], cpc[i][l])));
      return r;
    };
    const Lij = (i: number, j: number): IrExpr => {
      if (i === j) return i === 0 ? c(1) : remaining(i, i);
      return j === 0 ? cpc[i][j] : mul(cpc[i][j], remaining(i, j));
    };
    // u_k = sd_k sum_{l <= k} L_kl z_l, as a predictor term (rows) and per level (the data scale).
    const combine = (k: number, zAt: (l: number) => IrExpr): IrExpr => {
      let v: IrExpr | null = null;
      for (let l = 0; l <= k; l++) v = add(v, k === 0 ? zAt(0) : mul(Lij(k, l), zAt(l)));
      return mul(sds[k], v!);
    };
    let eta = predictor;
    const gathers: IrExpr[] = zp.map((p) => ({ op: 'gather', param: p, factor: group.name }));
    for (let k = 0; k < K; k++) eta = add(eta, o.times(combine(k, (l) => gathers[l]), k));
    if (rho !== undefined) {
      zp.forEach((z, k) => this.markBlock(z, {
        key: `${o.key}|${gname}`, term: k, scale: (sds[k] as { param: number }).param, location: this.location(labels[k]), correlation: rho,
      }));
    }
    group.levels.forEach((lv, lev) => {
      const at = (l: number): IrExpr => ({ op: 'level', param: zp[l], label: lv, level: lev, span: r.span });
      labels.forEach((lab, k) => this.dataScale.push({ name: this.shown(`${gname}[${lv}, ${lab}]`), expr: combine(k, at), derived: true }));
    });
    if (K > 2) {
      for (let a = 1; a < K; a++) {
        for (let b = 0; b < a; b++) {
          let v: IrExpr | null = null;
          for (let l = 0; l <= b; l++) v = add(v, l === 0 && b === 0 ? Lij(a, 0) : mul(Lij(a, l), Lij(b, l)));
          this.dataScale.push({ name: this.shown(`cor[${gname}, ${labels[b]}, ${labels[a]}]`), expr: v!, derived: true, correlation: true });
        }
      }
    }
    return eta!;
  }

  /**
   * `(terms | g)`: one latent vector per term and grouping, with its sd (and correlations for several
   * terms). `key` names the term (response and position) so that each block's effects can be found again.
   */
  randomTerm(r: RandomTerm, key: string, family: Family): IrExpr {
    const { labels, xs } = this.randomColumns(r);
    if (labels.length === 0) throw new FormulaError('a random-effect term needs at least one term', r.span);
    if (r.correlated && labels.length > MAX_CORRELATED) {
      throw new FormulaError(`${labels.length} correlated random-effect terms are not supported (at most ${MAX_CORRELATED})`, r.span, "write '||' for uncorrelated terms, or split the block");
    }
    let eta: IrExpr | null = null;
    for (const vars of r.groups) {
      const gcols = vars.map((v) => this.column(v, r.span));
      if (!gcols.every(isFactor)) throw new FormulaError(`the grouping '${vars.join(':')}' must be made of factor columns`, r.span);
      const group = this.derived(gcols.length === 1 ? gcols[0] : crossFactors(gcols, gcols.map(() => false), vars.join(':')).column);
      const gl = safe(vars.join('_'));
      const gname = vars.join(':');
      this.checkGrouping(r, group, gname, labels, family);
      // A lone intercept keeps the plain name (u_g, sd_g); a lone slope is named by its term, so that
      // (1 | g) + (0 + x | g), lme4's uncorrelated pair, does not ask twice for sd_g.
      const suffix = (k: number): string => (labels.length === 1 && labels[0] === '(Intercept)' ? '' : `_${safe(labels[k] === '(Intercept)' ? 'Intercept' : labels[k])}`);
      const sds = labels.map((l, k) => {
        const p = this.param(`sd_${gl}${suffix(k)}`, r.span, { elementNames: [`sd[${gname}, ${l}]`], transform: { kind: 'lower', lo: 0 } });
        this.prior(p, DEFAULT_PRIORS.sd.dist, DEFAULT_PRIORS.sd.args.map(c));
        return { op: 'param', param: p } as IrExpr;
      });
      const names = (l: string): string[] => group.levels.map((lv) => `${gname}[${lv}, ${l}]`);
      const times = (e: IrExpr, k: number): IrExpr => (xs[k] ? mul(e, xs[k]!) : e);
      if (r.correlated && labels.length >= 2) {
        eta = this.correlatedBlock({ r, key, group, gl, gname, labels, sds, suffix, times }, eta);
        continue;
      }
      labels.forEach((l, k) => {
        const p = this.param(`u_${gl}${suffix(k)}`, r.span, { factor: group, elementNames: names(l) });
        this.prior(p, 'Normal', [c(0), sds[k]]);
        this.markBlock(p, { key: `${key}|${gname}|${k}`, term: 0, scale: (sds[k] as { param: number }).param, location: this.location(l) });
        eta = add(eta, times({ op: 'gather', param: p, factor: group.name }, k));
      });
    }
    return eta!;
  }
}

/** The intercept and fixed terms of a formula, as a predictor (null when it has neither). */
export function fixedPart(ex: Expander, f: Formula, ctx: FormulaContext, span: Span): IrExpr | null {
  let eta: IrExpr | null = null;
  if (f.intercept) {
    const p = ex.param('b_Intercept', span, { elementNames: ['(Intercept)'] });
    ex.fixed('b_Intercept', p);
    ex.prior(p, DEFAULT_PRIORS.fixed.dist, DEFAULT_PRIORS.fixed.args.map(c));
    eta = { op: 'param', param: p };
  }
  const coding = codings(f, ctx.columns);
  f.fixed.forEach((t, i) => {
    eta = add(eta, ex.fixedTerm(t, coding[i]));
  });
  return eta;
}
