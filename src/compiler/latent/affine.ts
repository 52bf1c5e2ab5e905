import { dependsOnParams, paramsOf, type IrExpr } from '../ir.js';

/**
 * An expression written as offset + sum_t coef_t * x_t, affine in a chosen set of parameters X (the
 * latent field): each x_t is one element of a parameter of X read per row (`gather`) or once (`param`,
 * `level`), and neither the offset nor any coefficient reads X. The coefficients may read the other
 * parameters (hyperparameters) and data: `sigma * z[g]` is affine in z with coefficient sigma, which is
 * how a non-centred random effect looks; `u[g]` has coefficient 1, a centred one.
 */
export interface AffineTerm {
  /** The X parameter and which of its elements: per row by a factor's codes, or one fixed element. */
  readonly param: number;
  readonly factor?: string;
  readonly element: number;
  readonly coef: IrExpr;
}

export interface Affine {
  readonly offset: IrExpr;
  readonly terms: readonly AffineTerm[];
}

const ONE: IrExpr = { op: 'const', value: 1 };
const ZERO: IrExpr = { op: 'const', value: 0 };

const isConst = (e: IrExpr, v: number): boolean => e.op === 'const' && e.value === v;

function times(a: IrExpr, b: IrExpr): IrExpr {
  if (isConst(a, 0) || isConst(b, 0)) return ZERO;
  if (isConst(a, 1)) return b;
  if (isConst(b, 1)) return a;
  return { op: 'bin', o: '*', a, b };
}

function plus(a: IrExpr, b: IrExpr, o: '+' | '-'): IrExpr {
  if (isConst(b, 0)) return a;
  if (isConst(a, 0)) return o === '+' ? b : { op: 'neg', arg: b };
  return { op: 'bin', o, a, b };
}

/** Why an expression is not affine in X, naming the parameters of X that make it so. */
export class NotAffine {
  constructor(readonly culprits: ReadonlySet<number>) {}
}

/**
 * The affine form of `e` in the parameters `inX`, or NotAffine with the X parameters to drop from X so
 * that it becomes affine: for a product of two X-dependent factors (s * z with both in X), the factor with
 * fewer elements (the scalar scale, not the vector of effects); for a function or a division by X, every
 * X parameter inside.
 */
export function affineIn(e: IrExpr, inX: (param: number) => boolean, sizeOf: (param: number) => number): Affine | NotAffine {
  const readsX = (x: IrExpr): boolean => dependsOnParams(x) && [...paramsOf(x)].some(inX);
  const xParams = (x: IrExpr): Set<number> => new Set([...paramsOf(x)].filter(inX));
  const go = (x: IrExpr): Affine | NotAffine => {
    if (!readsX(x)) return { offset: x, terms: [] };
    switch (x.op) {
      case 'param':
        return { offset: ZERO, terms: [{ param: x.param, element: 0, coef: ONE }] };
      case 'level':
        return { offset: ZERO, terms: [{ param: x.param, element: x.level, coef: ONE }] };
      case 'gather':
        return { offset: ZERO, terms: [{ param: x.param, factor: x.factor, element: -1, coef: ONE }] };
      case 'neg': {
        const a = go(x.arg);
        if (a instanceof NotAffine) return a;
        return { offset: { op: 'neg', arg: a.offset }, terms: a.terms.map((t) => ({ ...t, coef: { op: 'neg', arg: t.coef } })) };
      }
      case 'call':
        return new NotAffine(xParams(x.arg));
      case 'bin': {
        if (x.o === '+' || x.o === '-') {
          const a = go(x.a);
          if (a instanceof NotAffine) return a;
          const b = go(x.b);
          if (b instanceof NotAffine) return b;
          const o = x.o;
          const bTerms = o === '+' ? b.terms : b.terms.map((t) => ({ ...t, coef: { op: 'neg', arg: t.coef } as IrExpr }));
          return { offset: plus(a.offset, b.offset, o), terms: [...a.terms, ...bTerms] };
        }
        if (x.o === '/') {
          if (readsX(x.b)) return new NotAffine(xParams(x.b));
          const a = go(x.a);
          if (a instanceof NotAffine) return a;
          const over = (c: IrExpr): IrExpr => ({ op: 'bin', o: '/', a: c, b: x.b });
          return { offset: over(a.offset), terms: a.terms.map((t) => ({ ...t, coef: over(t.coef) })) };
        }
        const [xa, xb] = [readsX(x.a), readsX(x.b)];
        if (xa && xb) {
          const size = (s: Set<number>): number => [...s].reduce((n, p) => n + sizeOf(p), 0);
          const [pa, pb] = [xParams(x.a), xParams(x.b)];
          return new NotAffine(size(pa) <= size(pb) ? pa : pb);
        }
        const [inner, factor] = xa ? [x.a, x.b] : [x.b, x.a];
        const a = go(inner);
        if (a instanceof NotAffine) return a;
        return { offset: times(a.offset, factor), terms: a.terms.map((t) => ({ ...t, coef: times(t.coef, factor) })) };
      }
      default:
        return { offset: x, terms: [] };
    }
  };
  return go(e);
}
