import { warning, type EngineWarning } from '../core/warning.js';
import type { LogDensity } from '../core/log_density.js';

/**
 * lme4's "fixed-effect model matrix is rank deficient so dropping n columns / coefficients": which
 * coefficients were held at 0 and what their columns equal, so that the user can see the design's problem
 * (a factor that repeats another, a constant covariate, an interaction cell without rows). Under the
 * posterior nothing is dropped (the priors identify them), and the warning says what that means: every
 * posterior engine gives it (api/engines.ts), since each sees only the log density.
 */
export function aliasedWarnings(ld: Pick<LogDensity, 'names' | 'aliased'>, mode: 'ml' | 'reml' | 'posterior'): EngineWarning[] {
  const aliased = ld.aliased?.() ?? [];
  if (aliased.length === 0) return [];
  const names = ld.names;
  const items = aliased.map((a) => ({ name: names[a.coord], equals: a.of.map((t) => ({ name: names[t.coord], weight: t.weight })) }));
  return [warning('rank-deficient', { facts: { fit: mode }, items }, items.map((a) => a.name))];
}
