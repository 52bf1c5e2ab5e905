import type { Column } from '../data/table.js';
import type { IrExpr, IrParam } from './ir.js';
import type { Transform } from '../bijectors/transforms.js';

/** What is known of an expression's range: (0, 1), (0, inf), [0, inf) or anything. */
export type Sign = 'unit' | 'pos' | 'nonneg' | 'real';

function ofTransform(t: Transform): Sign {
  if (t.kind === 'lower' && t.lo >= 0) return 'pos';
  if (t.kind === 'bounded' && t.lo >= 0) return t.hi <= 1 ? 'unit' : 'pos';
  return 'real';
}

const isPos = (s: Sign): boolean => s === 'pos' || s === 'unit';
const isNonneg = (s: Sign): boolean => s !== 'real';

/** A sound, simple range analysis: it proves scale arguments positive so that bad models fail at compile time. */
export function signOf(e: IrExpr, params: readonly IrParam[], columns: ReadonlyMap<string, Column>): Sign {
  const rec = (x: IrExpr): Sign => signOf(x, params, columns);
  switch (e.op) {
    case 'const':
      return e.value > 0 ? (e.value < 1 ? 'unit' : 'pos') : e.value === 0 ? 'nonneg' : 'real';
    case 'data': {
      const col = columns.get(e.column);
      if (col?.kind !== 'numeric') return 'real';
      return col.type === 'positive' ? 'pos' : col.type === 'count' || col.type === 'binary' ? 'nonneg' : 'real';
    }
    case 'param':
    case 'level':
    case 'gather':
      return ofTransform(params[e.param].transform);
    case 'neg':
      return 'real';
    case 'call':
      if (e.fn === 'exp') return 'pos';
      if (e.fn === 'inv_logit') return 'unit';
      if (e.fn === 'sqrt') return isPos(rec(e.arg)) ? 'pos' : 'nonneg';
      return 'real';
    case 'bin': {
      const a = rec(e.a);
      const b = rec(e.b);
      switch (e.o) {
        case '+':
          return isPos(a) && isNonneg(b) || isNonneg(a) && isPos(b) ? 'pos' : isNonneg(a) && isNonneg(b) ? 'nonneg' : 'real';
        case '*':
          if (a === 'unit' && b === 'unit') return 'unit';
          return isPos(a) && isPos(b) ? 'pos' : isNonneg(a) && isNonneg(b) ? 'nonneg' : 'real';
        case '/':
          return isPos(a) && isPos(b) ? 'pos' : isNonneg(a) && isPos(b) ? 'nonneg' : 'real';
        case '-':
          // 1 - u for u in (0, 1) is in (0, 1) (1 - inv_logit(x) = inv_logit(-x)); c - u for c > 1 is positive.
          if (e.a.op === 'const' && b === 'unit' && e.a.value >= 1) return e.a.value === 1 ? 'unit' : 'pos';
          return 'real';
      }
    }
  }
}

export function satisfies(sign: Sign, need: 'real' | 'positive' | 'unit' | 'count'): boolean {
  if (need === 'real') return true;
  if (need === 'positive') return isPos(sign);
  if (need === 'unit') return sign === 'unit';
  return isNonneg(sign);
}
