import { InferenceError } from '../core/errors.js';
import type { LogDensity } from '../core/log_density.js';
import type { Rng } from '../core/rng.js';

/** Stan's MAX_INIT_TRIES. */
export const MAX_INIT_TRIES = 100;

/** Stan's default: each unconstrained coordinate uniform on (-radius, radius). */
export const INIT_RADIUS = 2;

export interface InitialPoint {
  readonly theta: Float64Array;
  readonly value: number;
  readonly grad: Float64Array;
}

export interface InitOptions {
  /** Tried before the random points: theta = 0 for the optimizing engines (the centre of every prior). */
  readonly first?: Float64Array;
  readonly tries?: number;
  readonly radius?: number;
}

const fmt = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

function pointName(theta: Float64Array): string {
  if (theta.every((v) => v === 0)) return 'all unconstrained parameters at 0';
  return theta.length <= 4 ? `theta = [${Array.from(theta, fmt).join(', ')}]` : 'the first point tried';
}

/** What went wrong at one tried point, named by the model where the log density can say. */
function whyNotFinite(ld: LogDensity, p: InitialPoint): string {
  if (!Number.isFinite(p.value)) {
    const why = ld.explainNonFinite?.(p.theta);
    return `at ${pointName(p.theta)} the log density is ${p.value}${why ? `: ${why}` : ''}`;
  }
  const j = p.grad.findIndex((g) => !Number.isFinite(g));
  return `at ${pointName(p.theta)} the log density is finite (${fmt(p.value)}) but its derivative in '${ld.thetaNames[j]}' is ${p.grad[j]}`;
}

/**
 * A starting point with a finite log density and gradient, shared by every engine (Stan's
 * services/util/initialize.hpp): `first` if given and usable, else theta ~ U(-radius, radius) per
 * coordinate from `rng`, retried up to `tries` times. When none works, the error names the term of
 * the model that is not finite at the first point tried and the parameter values there.
 */
export function initialPoint(ld: LogDensity, rng: Rng, o: InitOptions = {}): InitialPoint {
  const tries = o.tries ?? MAX_INIT_TRIES;
  const radius = o.radius ?? INIT_RADIUS;
  let firstFailure: InitialPoint | undefined;
  const attempt = (theta: Float64Array): InitialPoint | undefined => {
    const { value, grad } = ld.valueAndGrad(theta);
    const p = { theta, value, grad };
    if (Number.isFinite(value) && grad.every(Number.isFinite)) return p;
    firstFailure ??= p;
    return undefined;
  };
  const fromFirst = o.first && attempt(o.first);
  if (fromFirst) return fromFirst;
  for (let t = 0; t < tries; t++) {
    const p = attempt(Float64Array.from({ length: ld.dim }, () => radius * (2 * rng.uniform() - 1)));
    if (p) return p;
  }
  const tried = `${o.first ? 'theta = 0, then ' : ''}${tries} random points U(-${radius}, ${radius}) on the unconstrained scale`;
  throw new InferenceError('E510', `no starting point with a finite log density and gradient (tried ${tried}); ${whyNotFinite(ld, firstFailure!)}`,
    'check that the priors, constraints and data allow parameters of ordinary size: a log or sqrt of something that can be negative, ' +
    'or an exp that overflows, makes the log density undefined');
}
