import { markdownTable, sig } from './report.js';
import type { SmallModelComparison } from './small_models.js';

/** The goal of issue 12, item 7: Glimmer end to end within this factor of Stan's sampling time. */
export const SMALL_MODEL_GOAL = 1.5;

const ratio = (ours: number, stan: number): string => `${(ours / stan).toFixed(2)}x`;

/**
 * Glimmer's `ppl infer` from process start beside Stan's sampling (compile excluded): the wall time of
 * rstan's sampling() with cores = 1 (the faster setting for models this small: with cores = 2 R first
 * starts worker processes) and with cores = 2, and the four chains' own clocks added up.
 */
export function smallModelTable(rows: readonly SmallModelComparison[]): string {
  return markdownTable([
    'model', 'Glimmer `ppl infer --engine nuts` (s)', 'each run (s)', 'Glimmer\'s inference call (s)', 'Stan sampling(), cores = 1 (s)', 'Stan, cores = 2 (s)',
    'Stan chains added up (s)', 'Glimmer end to end / Stan cores = 1', 'Glimmer call / Stan cores = 1', 'Glimmer / Stan chains',
  ], rows.map((r) => [
    `\`${r.model.glmm}\`: ${r.model.what}`, sig(r.glimmer.seconds), r.glimmer.all.map(sig).join(', '), sig(r.inferSeconds), sig(r.stan.wall1S), sig(r.stan.wall2S),
    sig(r.stan.chainsS), ratio(r.glimmer.seconds, r.stan.wall1S), ratio(r.inferSeconds, r.stan.wall1S), ratio(r.glimmer.seconds, r.stan.chainsS),
  ]), ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']);
}

/** The small models on which Glimmer is further than SMALL_MODEL_GOAL from Stan's sampling() wall time. */
export function smallModelFindings(rows: readonly SmallModelComparison[]): string[] {
  return rows.filter((r) => r.glimmer.seconds > SMALL_MODEL_GOAL * r.stan.wall1S).map((r) =>
    `${r.model.glmm}: Glimmer's nuts takes ${sig(r.glimmer.seconds)} s end to end, ${ratio(r.glimmer.seconds, r.stan.wall1S)} Stan's sampling() (${sig(r.stan.wall1S)} s, cores = 1), and its inference call ${sig(r.inferSeconds)} s (${ratio(r.inferSeconds, r.stan.wall1S)}); the goal is ${SMALL_MODEL_GOAL}x.`);
}
