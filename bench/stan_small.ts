import { readFileSync } from 'node:fs';
import { median } from './timing.js';

/** Stan's times for one small model (bench/stan_small/stan_timings.csv), seconds, each the median over its runs. */
export interface StanSmallTiming {
  readonly model: string;
  /** The four chains' warm-up + sampling, added up (Stan's own clock, get_elapsed_time). */
  readonly chainsS: number;
  /** The wall time of the sampling() call with cores = 1 and cores = 2 (R's set-up and the stanfit object included). */
  readonly wall1S: number;
  readonly wall2S: number;
  readonly runs: number;
  /** The median 1-minute load average when the runs started (2 = another process kept one core busy). */
  readonly load: number;
}

export const STAN_SMALL_FILE = new URL('./stan_small/stan_timings.csv', import.meta.url);

/** Parses stan_timings.csv: one row per (model, cores, rep, chain). */
export function parseStanSmall(csv: string): StanSmallTiming[] {
  const [head, ...lines] = csv.trim().split('\n');
  const cols = head.split(',').map((c) => c.replace(/"/g, ''));
  const at = (name: string): number => {
    const i = cols.indexOf(name);
    if (i < 0) throw new Error(`stan_timings.csv: no column '${name}'`);
    return i;
  };
  const rows = lines.map((l) => l.split(',').map((c) => c.replace(/"/g, '')));
  const [model, cores, rep, load, wall, warm, samp] = ['model', 'cores', 'rep', 'load1', 'wall_s', 'warmup_s', 'sampling_s'].map(at);
  const models = [...new Set(rows.map((r) => r[model]))];
  return models.map((m) => {
    const runs = new Map<string, { cores: number; wall: number; chains: number; load: number }>();
    for (const r of rows.filter((x) => x[model] === m)) {
      const key = `${r[cores]}/${r[rep]}`;
      const run = runs.get(key) ?? { cores: Number(r[cores]), wall: Number(r[wall]), chains: 0, load: Number(r[load]) };
      run.chains += Number(r[warm]) + Number(r[samp]);
      runs.set(key, run);
    }
    const all = [...runs.values()];
    const of = (c: number): typeof all => all.filter((r) => r.cores === c);
    return {
      model: m,
      chainsS: median(of(1).map((r) => r.chains)),
      wall1S: median(of(1).map((r) => r.wall)),
      wall2S: median(of(2).map((r) => r.wall)),
      runs: of(1).length,
      load: median(all.map((r) => r.load)),
    };
  });
}

export function loadStanSmall(): StanSmallTiming[] {
  return parseStanSmall(readFileSync(STAN_SMALL_FILE, 'utf8'));
}
