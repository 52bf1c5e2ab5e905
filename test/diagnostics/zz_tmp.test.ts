import { it } from 'vitest';
import { psis } from '../../src/diagnostics/psis.js';
import { createRng } from '../../src/core/rng.js';
it('print', () => {
  for (const k of [0.2, 0.5, 0.8]) {
    const rng = createRng(`psis-gpd-${k}`);
    const lr = Float64Array.from({ length: 1e6 }, () => Math.log(Math.expm1(-k * Math.log1p(-rng.uniform())) / k));
    console.log('gpd', k, psis(lr).khat);
  }
  for (const s of [1.5, 0.7, 0.3]) {
    const rng = createRng(`psis-normal-${s}`);
    const lr = Float64Array.from({ length: 1e6 }, () => { const x = s * rng.normal(); return -0.5 * x * x + 0.5 * x * x / (s * s) + Math.log(s); });
    console.log('normal', s, psis(lr).khat);
  }
});
