import seedrandom from 'seedrandom';

/** The one source of randomness: every draw in Glimmer goes through an Rng made from the user's seed. */
export interface Rng {
  /** Uniform on (0, 1), never exactly 0. */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** An independent stream derived from this seed and a label (for chains, runs, workers). */
  child(label: string | number): Rng;
  /** The seed string this stream was made from: createRng(id) starts the same stream afresh (in a worker thread). */
  readonly id: string;
}

export function createRng(seed: number | string): Rng {
  const base = String(seed);
  const prng = seedrandom(base);
  // The second normal of a pair waits in a typed slot: a double kept in a closure variable is boxed anew
  // on every write, and a sampler draws hundreds of thousands of normals.
  const spare = new Float64Array(1);
  let hasSpare = false;
  const uniform = (): number => {
    let u = prng.double();
    while (u === 0) u = prng.double();
    return u;
  };
  return {
    id: base,
    uniform,
    normal(): number {
      // Marsaglia's polar method: exact, two normals per accepted pair.
      if (hasSpare) {
        hasSpare = false;
        return spare[0];
      }
      for (;;) {
        const a = 2 * uniform() - 1;
        const b = 2 * uniform() - 1;
        const r = a * a + b * b;
        if (r > 0 && r < 1) {
          const f = Math.sqrt((-2 * Math.log(r)) / r);
          spare[0] = b * f;
          hasSpare = true;
          return a * f;
        }
      }
    },
    child(label: string | number): Rng {
      return createRng(`${base}/${label}`);
    },
  };
}
