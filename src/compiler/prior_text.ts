import type { IrExpr, ModelIR } from './ir.js';

/** A prior's argument as the model writes it: parameters by name, factors and levels in brackets. */
function show(e: IrExpr, ir: ModelIR): string {
  switch (e.op) {
    case 'const': return String(e.value);
    case 'param': return ir.params[e.param].name;
    case 'level': return `${ir.params[e.param].name}["${e.label}"]`;
    case 'gather': return `${ir.params[e.param].name}[${e.factor}]`;
    case 'data': return e.column;
    case 'neg': return `-${show(e.arg, ir)}`;
    case 'call': return `${e.fn}(${show(e.arg, ir)})`;
    case 'bin': return `(${show(e.a, ir)} ${e.o} ${show(e.b, ir)})`;
  }
}

/** `~ Normal(0, 10)` for each parameter, as the model (or a formula's defaults) gives it; `flat` when none. */
export function priorOf(ir: ModelIR, param: number): string {
  const terms = ir.priors.filter((t) => t.param === param);
  if (terms.length === 0) return ir.ml && !ir.params[param].latent ? 'no prior (maximum likelihood)' : 'flat';
  return terms.map((t) => `${t.dist.name}(${t.args.map((a) => show(a, ir)).join(', ')})`).join(' + ');
}
