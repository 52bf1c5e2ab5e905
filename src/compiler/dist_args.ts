import type { DistCall, Expr } from '../language/ast.js';
import { suggest } from '../language/suggest.js';
import { DISTRIBUTION_NAMES, findDistribution, type DistSpec, type Form } from '../distributions/catalog.js';
import { report, type Scope } from './scope.js';

const signature = (f: Form): string => f.args.map((a) => a.name).join(', ');

/**
 * Finds the distribution and the parameterisation its arguments select: positional arguments fill
 * a form's slots in order, named ones must name the remaining slots (Poisson(rate = ...) picks the
 * rate form). Returns the argument expressions in the form's order.
 */
export function matchDistribution(call: DistCall, scope: Scope): { dist: DistSpec; form: Form; args: Expr[] } | null {
  const dist = findDistribution(call.name.name);
  if (!dist) {
    const close = suggest(call.name.name, DISTRIBUTION_NAMES);
    return report(scope, 'E203', `unknown distribution '${call.name.name}'`, call.name.span,
      close !== undefined ? `did you mean '${close}'?` : `distributions: ${DISTRIBUTION_NAMES.join(', ')}`);
  }
  const positional = call.args.filter((a) => !a.name);
  const named = call.args.filter((a) => a.name);
  const firstNamed = call.args.findIndex((a) => a.name);
  if (firstNamed >= 0 && call.args.slice(firstNamed).some((a) => !a.name)) {
    const bad = call.args.slice(firstNamed).find((a) => !a.name)!;
    return report(scope, 'E204', 'a positional argument cannot follow a named one', bad.span);
  }
  const allNames = [...new Set(dist.forms.flatMap((f) => f.args.map((a) => a.name)))];
  for (const a of named) {
    if (!allNames.includes(a.name!.name)) {
      const close = suggest(a.name!.name, allNames);
      return report(scope, 'E204', `${dist.name} has no argument '${a.name!.name}'`, a.name!.span,
        close !== undefined ? `did you mean '${close}'?` : `${dist.name} takes ${dist.forms.map((f) => `(${signature(f)})`).join(' or ')}`);
    }
    if (named.filter((b) => b.name!.name === a.name!.name).length > 1) {
      return report(scope, 'E204', `argument '${a.name!.name}' is given twice`, a.name!.span);
    }
  }
  for (const form of dist.forms) {
    if (positional.length > form.args.length) continue;
    const rest = form.args.slice(positional.length).map((s) => s.name);
    if (named.length !== rest.length || !named.every((a) => rest.includes(a.name!.name))) continue;
    const args = [...positional.map((a) => a.value), ...rest.map((n) => named.find((a) => a.name!.name === n)!.value)];
    return { dist, form, args };
  }
  const forms = dist.forms.map((f) => `${dist.name}(${signature(f)})`).join(' or ');
  const max = Math.max(...dist.forms.map((f) => f.args.length));
  const message = positional.length > max
    ? `${dist.name} takes ${max} argument${max === 1 ? '' : 's'}, got ${call.args.length}`
    : `these arguments do not match ${dist.name}`;
  return report(scope, 'E204', message, call.span, `write ${forms}`);
}
