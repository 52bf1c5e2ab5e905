import type { Ops } from '../distributions/ops.js';

/** How a constrained parameter is reached from the unconstrained theta (as in Stan's transforms). */
export type Transform =
  | { readonly kind: 'identity' }
  | { readonly kind: 'lower'; readonly lo: number }
  | { readonly kind: 'upper'; readonly hi: number }
  | { readonly kind: 'bounded'; readonly lo: number; readonly hi: number };

export const IDENTITY: Transform = { kind: 'identity' };

/** x = f(theta) and log|f'(theta)|, elementwise. */
export function constrainWithJacobian<T>(o: Ops<T>, t: Transform, theta: T): { x: T; logJ: T | null } {
  switch (t.kind) {
    case 'identity':
      return { x: theta, logJ: null };
    case 'lower':
      return { x: o.add(o.c(t.lo), o.exp(theta)), logJ: theta };
    case 'upper':
      return { x: o.sub(o.c(t.hi), o.exp(theta)), logJ: theta };
    case 'bounded': {
      const w = t.hi - t.lo;
      const x = o.add(o.c(t.lo), o.mul(o.c(w), o.sigmoid(theta)));
      const logJ = o.sub(o.sub(o.c(Math.log(w)), o.softplus(theta)), o.softplus(o.neg(theta)));
      return { x, logJ };
    }
  }
}

export function constrainScalar(t: Transform, theta: number): number {
  switch (t.kind) {
    case 'identity':
      return theta;
    case 'lower':
      return t.lo + Math.exp(theta);
    case 'upper':
      return t.hi - Math.exp(theta);
    case 'bounded': {
      const s = theta >= 0 ? 1 / (1 + Math.exp(-theta)) : Math.exp(theta) / (1 + Math.exp(theta));
      return t.lo + (t.hi - t.lo) * s;
    }
  }
}

export function unconstrainScalar(t: Transform, x: number): number {
  switch (t.kind) {
    case 'identity':
      return x;
    case 'lower':
      return Math.log(x - t.lo);
    case 'upper':
      return Math.log(t.hi - x);
    case 'bounded': {
      const u = (x - t.lo) / (t.hi - t.lo);
      return Math.log(u) - Math.log1p(-u);
    }
  }
}

/** True when x is inside the transform's open support. */
export function inSupport(t: Transform, x: number): boolean {
  switch (t.kind) {
    case 'identity':
      return Number.isFinite(x);
    case 'lower':
      return x > t.lo;
    case 'upper':
      return x < t.hi;
    case 'bounded':
      return x > t.lo && x < t.hi;
  }
}

/** The name of the unconstrained coordinate: `log(sigma)`, `logit(p)`, `beta[B]`. */
export function thetaName(t: Transform, name: string): string {
  switch (t.kind) {
    case 'identity':
      return name;
    case 'lower':
      return t.lo === 0 ? `log(${name})` : `log(${name} - ${t.lo})`;
    case 'upper':
      return `log(${t.hi} - ${name})`;
    case 'bounded':
      return t.lo === 0 && t.hi === 1 ? `logit(${name})` : `logit((${name} - ${t.lo}) / ${t.hi - t.lo})`;
  }
}

export function describeTransform(t: Transform): string {
  switch (t.kind) {
    case 'identity':
      return 'real';
    case 'lower':
      return t.lo === 0 ? 'positive' : `lower(${t.lo})`;
    case 'upper':
      return `upper(${t.hi})`;
    case 'bounded':
      return `bounded(${t.lo}, ${t.hi})`;
  }
}
