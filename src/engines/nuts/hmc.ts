import { leapfrog, phasePoint } from './integrator.js';
import type { Kernel } from './nuts.js';
import { MAX_DELTA_H } from './trajectory.js';

/** Stan's default integration time for static HMC (int_time = 2 pi). */
export const DEFAULT_INT_TIME = 2 * Math.PI;

/**
 * Static HMC (Neal 2011; Stan's base_static_hmc): L = floor(T / eps) leapfrog steps of a fixed integration
 * time T, then a Metropolis accept/reject of the end point. L is capped at 2^maxDepth - 1 (NUTS's longest
 * trajectory) so that a tiny step size early in warm-up cannot stall a transition; Stan has no cap.
 * A trajectory whose energy error passes 1000 stops there and is rejected (counted as divergent).
 */
export function staticHmcKernel(intTime = DEFAULT_INT_TIME): Kernel {
  return (ld, metric, from, settings, rng) => {
    const eps = settings.stepSize;
    const steps = Math.min(Math.max(1, Math.floor(intTime / eps)), 2 ** settings.maxDepth - 1);
    const z0 = phasePoint(from, metric.sampleMomentum(rng), metric);
    let z = z0;
    let n = 0;
    let divergent = false;
    while (n < steps) {
      z = leapfrog(ld, metric, z, eps);
      n++;
      if (z.H - z0.H > MAX_DELTA_H) {
        divergent = true;
        break;
      }
    }
    const acceptProb = Math.exp(z0.H - z.H);
    const accept = !divergent && !(acceptProb < 1 && rng.uniform() > acceptProb);
    const end = accept ? z : z0;
    return [{ q: end.q, logp: end.logp, grad: end.grad }, {
      acceptStat: divergent ? 0 : Math.min(1, acceptProb),
      treeDepth: 0,
      nLeapfrog: n,
      divergent,
      energy: end.H,
      stepSize: eps,
    }];
  };
}
